import VirtCore
import VirtError
import VirtRPC
import VirtSystem

/// Where a remote URI leads, and the URI the daemon is asked to open there, following
/// libvirt's remote driver (`doRemoteOpen`):
/// - `DRIVER+unix:///PATH?socket=SOCKET` reaches SOCKET (default: virtd's, read-only when
///   the connection is);
/// - `DRIVER+tcp://ADDRESS[:PORT]/PATH` reaches ADDRESS (a numeric address or `localhost`)
///   on PORT (default 16509);
/// - plain `lxc:///`, `lxc:///system`, `qemu:///` and `qemu:///system` reach virtd's
///   socket, as libvirt's clients reach libvirtd for them.
///
/// The daemon is asked to open `DRIVER:///PATH` with the query parameters that are not the
/// client's own (`socket`, `name`, …); `name=URI` overrides that.
struct RemoteTarget: Equatable {
    /// How to reach the daemon.
    enum Endpoint: Equatable {
        /// A unix socket's path.
        case unix(String)
        /// A TCP address and port.
        case tcp(TCPEndpoint)
    }

    /// How to reach the daemon.
    let endpoint: Endpoint
    /// The URI the daemon opens (CONNECT_OPEN's name).
    let name: String

    /// libvirtd's TCP port.
    static let defaultPort: UInt16 = 16509
    /// The query parameters that are the client's, never sent to the daemon.
    static let clientParameters: Set<String> = ["name", "socket", "command", "netcat", "no_verify", "no_tty", "pkipath", "keyfile",
                                                "sshauth", "known_hosts", "known_hosts_verify", "mode", "proxy", "tls_priority"]

    /// The target of `uri`, or nil if it is not a remote URI.
    /// - Throws: `VIR_ERR_INVALID_ARG` for a transport or a host this driver cannot reach.
    static func of(_ uri: ConnectionURI, readOnly: Bool) throws(VirError) -> RemoteTarget? {
        let endpoint: Endpoint
        switch uri.transport {
        case nil:
            guard ["lxc", "qemu"].contains(uri.driver), uri.host.isEmpty, ["", "/", "/system"].contains(uri.path) else { return nil }
            endpoint = .unix(readOnly ? VirtdSocket.readOnly : VirtdSocket.readWrite)
        case "unix":
            guard uri.host.isEmpty else {
                throw VirError.invalidArg("unix transport cannot reach host '\(uri.host)': leave the host out", domain: .remote)
            }
            endpoint = .unix(uri.parameter("socket") ?? (readOnly ? VirtdSocket.readOnly : VirtdSocket.readWrite))
        case "tcp":
            let host = uri.host.isEmpty || uri.host == "localhost" ? "127.0.0.1" : uri.host.trimmingCharacters(in: ["[", "]"])
            guard let address = NetworkAddress(host) else {
                throw VirError.invalidArg("tcp transport needs a numeric address or localhost, not '\(uri.host)'", domain: .remote)
            }
            guard let port = UInt16(exactly: uri.port ?? Int(defaultPort)) else {
                throw VirError.invalidArg("invalid port \(uri.port ?? 0)", domain: .remote)
            }
            endpoint = .tcp(TCPEndpoint(address: address, port: port))
        case let other?:
            throw VirError.invalidArg("transport '\(other)' is not supported by SwiftVirt's remote driver: use unix or tcp", domain: .remote)
        }
        return RemoteTarget(endpoint: endpoint, name: uri.parameter("name") ?? Self.daemonURI(of: uri))
    }

    /// `DRIVER://PATH?QUERY`, the query without the client's own parameters.
    private static func daemonURI(of uri: ConnectionURI) -> String {
        let query = uri.query.filter { !clientParameters.contains($0.name) }
            .map { percentEncoded($0.name) + "=" + percentEncoded($0.value) }
        return uri.driver + "://" + uri.path + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
    }

    private static func percentEncoded(_ text: String) -> String {
        text.utf8.map { byte -> String in
            let character = Character(Unicode.Scalar(byte))
            return character.isASCII && (character.isLetter || character.isNumber || "-._~/:".contains(character))
                ? String(character) : "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
        }.joined()
    }

    /// Connects to the daemon.
    func connect() throws(VirError) -> StreamSocket {
        switch endpoint {
        case .unix(let path): try StreamSocket.connect(to: path)
        case .tcp(let address): try StreamSocket.connect(to: address)
        }
    }
}

private extension String {
    func leftPadded(to length: Int) -> String { String(repeating: "0", count: max(0, length - count)) + self }
}
