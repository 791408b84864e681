import JSON
import SwiftVirt
import VirtContexts

/// What the vx commands print: `label value` lines (as `dominfo` does) in text mode, and the
/// same facts as one JSON object (see JSON-SCHEMA.md, "Security contexts").
struct ContextReport {
    /// The text lines.
    var lines = KeyValueList(width: 16)
    /// The JSON fields.
    var fields: [(String, JSONValue)] = []

    /// Adds a fact: `label` and `text` for text mode, `key` and `value` for JSON.
    mutating func add(_ label: String, _ text: String, _ key: String, _ value: JSONValue) {
        lines.add(label, text)
        fields.append((key, value))
    }

    /// Prints the lines (text mode) and sets the JSON document (JSON mode).
    func emit(_ ctx: CommandContext) {
        ctx.print(lines.rendered)
        ctx.result(.object(fields))
    }

    /// `vx_info`: the xid and the host pid of the context's init.
    static func info(_ context: Context) -> ContextReport {
        let (xid, initPID) = context.info()
        var report = ContextReport()
        report.add("Xid:", "\(xid)", "xid", .int(UInt64(xid)))
        report.add("Init pid:", "\(initPID)", "initPid", .int(Int64(initPID)))
        return report
    }

    /// `vx_wait`: how the first process ended and what reboot(2) asked for; absent facts
    /// are `-` in text and `null` in JSON.
    mutating func add(_ exit: ContextExit) {
        add(exitCode: exit.exitCode, signal: exit.signal)
        add("Reboot:", exit.reboot?.rawValue ?? "-", "reboot", .optional(exit.reboot?.rawValue))
    }

    /// How a process ended: its exit code or the signal that ended it (`-`/`null` if not).
    mutating func add(exitCode: Int32?, signal: Int32?) {
        add("Exit code:", exitCode.map { "\($0)" } ?? "-", "exitCode", exitCode.map { .int(Int64($0)) } ?? .null)
        add("Signal:", signal.map { "\($0)" } ?? "-", "signal", signal.map { .int(Int64($0)) } ?? .null)
    }

    /// A flag or capability word: `label` with the number in hex, then its names.
    static func bits(xid: UInt32, label: String, key: String, value: UInt64, names: [String]) -> ContextReport {
        var report = ContextReport()
        report.fields.append(("xid", .int(UInt64(xid))))
        report.add("\(label):", "0x" + String(value, radix: 16), key, .int(value))
        report.add("Names:", names.isEmpty ? "-" : names.joined(separator: ","), "names", .array(names.map(JSONValue.string)))
        return report
    }
}

extension ContextExit {
    /// The exit status of a shell that ran the first process: its exit code, 128 + the
    /// signal that ended it, or 0 when reboot(2) ended the context.
    var shellStatus: Int32 {
        exitCode ?? signal.map { 128 + $0 } ?? 0
    }
}
