import Foundation

/// The raw side of `virt-bench qemu`'s monitor figure: `qemu_reference.py
/// --raw-qmp-rounds`, a QEMU started by hand and a Python client on its QMP socket, which
/// makes query-status round trips when asked. virt-bench asks for them between its own, so
/// that both sides are measured in the same moments of a noisy machine.
final class RawQMPRounds {
    private let process = Process()
    private let requests = Pipe()
    private let answers = Pipe()
    private var unread: [UInt8] = []

    /// Starts the script and waits until its QEMU runs.
    init() throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [try ReferenceScripts.script("qemu_reference.py"), "--raw-qmp-rounds"]
        process.standardInput = requests
        process.standardOutput = answers
        try process.run()
        guard try nextLine() == "ready" else { throw BenchError.commandFailed("qemu_reference.py --raw-qmp-rounds did not start", 0) }
    }

    /// The durations, in seconds, of `count` query-status round trips made now.
    func roundTrips(_ count: Int) throws -> [Double] {
        requests.fileHandleForWriting.write(Data("\(count)\n".utf8))
        guard let durations = try JSONSerialization.jsonObject(with: Data(try nextLine().utf8)) as? [Double], durations.count == count else {
            throw BenchError.commandFailed("qemu_reference.py --raw-qmp-rounds answered badly", 0)
        }
        return durations
    }

    /// Lets the script quit its QEMU and waits for it.
    func finish() {
        try? requests.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    private func nextLine() throws -> String {
        while true {
            if let newline = unread.firstIndex(of: UInt8(ascii: "\n")) {
                defer { unread.removeSubrange(...newline) }
                return String(decoding: unread[..<newline], as: UTF8.self)
            }
            let more = answers.fileHandleForReading.availableData
            guard !more.isEmpty else { throw BenchError.commandFailed("qemu_reference.py --raw-qmp-rounds ended early", -1) }
            unread.append(contentsOf: more)
        }
    }
}
