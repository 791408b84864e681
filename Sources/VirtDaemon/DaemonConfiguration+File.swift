import Foundation
import Logging
import VirtError
import VirtSystem

extension DaemonConfiguration {
    /// Where virtd looks for its file when told of none.
    public static let defaultFile = "/etc/swiftvirt/virtd.conf"

    /// The defaults, changed by the file at `path`.
    /// - Throws: `VIR_ERR_SYSTEM_ERROR` if it cannot be read, `VIR_ERR_CONF_SYNTAX` at the first
    ///   line that is not a known setting with a valid value.
    public init(contentsOf path: String) throws(VirError) {
        self.init()
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw VirError(.systemError, "cannot read the configuration file '\(path)': \(error.localizedDescription)", domain: .conf)
        }
        try apply(text, from: path)
    }

    /// Applies the settings of `text`, in libvirtd.conf's syntax: one `name = value` per
    /// line, strings in double quotes, numbers bare, `#` starting a comment. `source` names
    /// the text in errors.
    public mutating func apply(_ text: String, from source: String) throws(VirError) {
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            func failure(_ reason: String) -> VirError {
                VirError(.confSyntax, "\(source):\(index + 1): \(reason)", domain: .conf)
            }
            guard let equals = line.firstIndex(of: "=") else { throw failure("expecting 'name = value'") }
            let name = line[..<equals].trimmingCharacters(in: .whitespaces)
            guard let value = Self.value(line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)) else {
                throw failure("expecting a number or a quoted string")
            }
            guard let setting = Self.settings[name] else { throw failure("unknown setting '\(name)'") }
            guard setting(&self, value) else { throw failure("invalid value for '\(name)'") }
        }
    }

    /// Sets `name` (a setting of the file) from a command-line option's `text`, a number
    /// when it reads as one.
    /// - Throws: `VIR_ERR_INVALID_ARG` for an unknown setting or a value wrong for it.
    public mutating func set(_ name: String, to text: String) throws(VirError) {
        guard let setting = Self.settings[name], setting(&self, Int(text).map(Value.number) ?? .string(text)) else {
            throw VirError.invalidArg("invalid value '\(text)' for \(name)", domain: .conf)
        }
    }

    /// A setting's value: a quoted string or a number, without a trailing comment.
    private enum Value {
        case string(String)
        case number(Int)
    }

    private static func value(_ text: String) -> Value? {
        if text.hasPrefix("\"") {
            guard let close = text.dropFirst().firstIndex(of: "\"") else { return nil }
            let rest = text[text.index(after: close)...].trimmingCharacters(in: .whitespaces)
            guard rest.isEmpty || rest.hasPrefix("#") else { return nil }
            return .string(String(text[text.index(after: text.startIndex)..<close]))
        }
        let bare = text.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0].trimmingCharacters(in: .whitespaces)
        return Int(bare).map(Value.number)
    }

    /// Each setting's name, and how it takes a value (false: the value is wrong for it).
    private static let settings: [String: @Sendable (inout DaemonConfiguration, Value) -> Bool] = [
        "unix_sock_path": { configuration, value in configuration.setPath(\.socketPath, value) },
        "unix_sock_ro_path": { configuration, value in configuration.setPath(\.readOnlySocketPath, value) },
        "lxc_root": { configuration, value in configuration.setPath(\.lxcRoot, value) },
        "qemu_root": { configuration, value in configuration.setPath(\.qemuRoot, value) },
        "default_uri": { configuration, value in
            guard case .string(let uri) = value, !uri.isEmpty else { return false }
            configuration.defaultURI = uri
            return true
        },
        "tcp_listen": { configuration, value in
            guard case .string(let text) = value, let endpoint = TCPEndpoint(text), endpoint.address.isLoopback else { return false }
            configuration.tcpListen = endpoint
            return true
        },
        "tcp_read_only": { configuration, value in
            guard case .number(let flag) = value, flag == 0 || flag == 1 else { return false }
            configuration.tcpReadOnly = flag == 1
            return true
        },
        "keepalive_interval": { configuration, value in configuration.setCount(\.keepaliveInterval, value) },
        "keepalive_count": { configuration, value in configuration.setCount(\.keepaliveCount, value) },
        "busy_poll_us": { configuration, value in
            guard case .number(let microseconds) = value, (0...DaemonConfiguration.busyPollLimit).contains(microseconds) else { return false }
            configuration.busyPollMicroseconds = microseconds
            return true
        },
        "log_level": { configuration, value in
            guard case .string(let name) = value, let level = Logger.Level(rawValue: name) else { return false }
            configuration.logLevel = level
            return true
        },
    ]

    private mutating func setPath(_ setting: WritableKeyPath<DaemonConfiguration, String>, _ value: Value) -> Bool {
        guard case .string(let path) = value, path.hasPrefix("/") else { return false }
        self[keyPath: setting] = path
        return true
    }

    private mutating func setCount(_ setting: WritableKeyPath<DaemonConfiguration, Int>, _ value: Value) -> Bool {
        guard case .number(let count) = value, count >= 0 else { return false }
        self[keyPath: setting] = count
        return true
    }
}
