import JSON
import VirtError
import VirtSystem

/// Splits what a monitor socket delivers into messages: one JSON object per line (QEMU
/// ends each with CR LF; JSON escapes any newline inside a string).
final class QMPReader: @unchecked Sendable {
    /// A message longer than this closes the monitor: QEMU's longest (the schema) is far shorter.
    static let maximumLine = 16 << 20

    let socket: GuardedSocket
    private var buffer: [UInt8] = []
    private var scanned = 0
    private var chunk = [UInt8](repeating: 0, count: 64 << 10)

    init(socket: GuardedSocket) { self.socket = socket }

    /// The next message, parsed; nil at the end of the stream. Blank lines are skipped. Only
    /// the reader thread calls this.
    func next() throws(VirError) -> JSONValue? {
        while true {
            if let newline = buffer[scanned...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = buffer[..<newline]
                defer {
                    buffer.removeSubrange(...newline)
                    scanned = 0
                }
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) { continue }
                return try JSONValue(parsing: line)
            }
            scanned = buffer.count
            guard buffer.count <= Self.maximumLine else {
                throw VirError(.internalError, "the QEMU monitor sent a message longer than \(Self.maximumLine) bytes", domain: .qemu)
            }
            let count = try socket.socket.read(into: &chunk)
            if count == 0 { return nil }
            buffer.append(contentsOf: chunk[..<count])
        }
    }
}
