#if canImport(Glibc)
import Glibc
#endif
import VirtError

/// Splits a byte stream into packets: bytes (and the descriptors that came with them) go in
/// as they arrive, whole packets come out. A length word out of range is an error at once,
/// before its body is waited for, so a peer cannot make the reader hold more than one
/// maximal frame.
///
/// A `*_WITH_FDS` frame is followed on the wire by one carrier byte per descriptor, each sent
/// with its descriptor; the packet comes out once all of them are in, with its descriptors.
public struct FrameReader: Sendable {
    private var buffer: [UInt8] = []
    private var start = 0
    private var descriptors: [Int32] = []

    /// An empty reader.
    public init() {}

    /// Adds bytes received, and the descriptors received with them (now the reader's).
    public mutating func append<Bytes: Collection<UInt8>>(_ bytes: Bytes, descriptors arrived: [Int32] = []) {
        if start > 0 && start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        }
        buffer.append(contentsOf: bytes)
        descriptors.append(contentsOf: arrived)
    }

    /// Bytes received but not yet part of a whole packet.
    public var pendingByteCount: Int { buffer.count - start }

    /// The next whole packet, or nil until more bytes arrive. The descriptors of a
    /// `*_WITH_FDS` packet are the caller's to close.
    public mutating func next() throws(VirError) -> Packet? {
        guard pendingByteCount >= 4 else { return nil }
        let length = Int(word(at: start))
        try Packet.checkLength(UInt32(length))
        guard pendingByteCount >= length else { return nil }
        var packet = try Packet(frameBody: Array(buffer[(start + 4)..<(start + length)]))
        let carriers = try packet.descriptorCount()
        guard pendingByteCount >= length + carriers else { return nil }  // parsed again once they are in
        guard descriptors.count >= carriers else {
            throw VirError(code: .rpc, domain: .rpc, message: "\(carriers) file descriptors announced, \(descriptors.count) received")
        }
        packet.descriptors = Array(descriptors.prefix(carriers))
        descriptors.removeFirst(carriers)
        start += length + carriers
        if start > 65536 {  // drop what was consumed once it is worth the copy
            buffer.removeFirst(start)
            start = 0
        }
        return packet
    }

    /// Closes the descriptors received that no packet took (the peer hung up mid-packet).
    public mutating func closeDescriptors() {
        for descriptor in descriptors { _ = close(descriptor) }
        descriptors.removeAll()
    }

    private func word(at offset: Int) -> UInt32 {
        UInt32(buffer[offset]) << 24 | UInt32(buffer[offset + 1]) << 16 | UInt32(buffer[offset + 2]) << 8 | UInt32(buffer[offset + 3])
    }
}
