import VirtError

/// Splits a byte stream into packets: bytes go in as they arrive, whole packets come out.
/// A length word out of range is an error at once, before its body is waited for, so a
/// peer cannot make the reader hold more than one maximal frame.
public struct FrameReader: Sendable {
    private var buffer: [UInt8] = []
    private var start = 0

    /// An empty reader.
    public init() {}

    /// Adds bytes received.
    public mutating func append<Bytes: Collection<UInt8>>(_ bytes: Bytes) {
        if start > 0 && start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// Bytes received but not yet part of a whole packet.
    public var pendingByteCount: Int { buffer.count - start }

    /// The next whole packet, or nil until more bytes arrive.
    public mutating func next() throws(VirError) -> Packet? {
        guard pendingByteCount >= 4 else { return nil }
        let length = UInt32(buffer[start]) << 24 | UInt32(buffer[start + 1]) << 16 | UInt32(buffer[start + 2]) << 8 | UInt32(buffer[start + 3])
        try Packet.checkLength(length)
        guard pendingByteCount >= Int(length) else { return nil }
        let body = Array(buffer[(start + 4)..<(start + Int(length))])
        start += Int(length)
        if start > 65536 {  // drop what was consumed once it is worth the copy
            buffer.removeFirst(start)
            start = 0
        }
        return try Packet(frameBody: body)
    }
}
