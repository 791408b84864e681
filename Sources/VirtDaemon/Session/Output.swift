import Glibc
import VirtError
import VirtRPC
import VirtSystem

/// What waits to be written to a client, in order: frames, and the descriptors of
/// `*_WITH_FDS` replies, each sent with its carrier byte. Written as the socket takes it.
struct Output {
    private struct Item {
        var bytes: [UInt8]
        var sent = 0
        /// A descriptor to send (with its carrier byte) instead of bytes; closed once sent.
        var descriptor: Int32?
    }
    private var items: [Item] = []
    private var head = 0
    /// Bytes (counting a descriptor's carrier byte) still to write.
    private(set) var byteCount = 0

    /// Whether everything has been written.
    var isEmpty: Bool { head == items.count }

    /// Queues `packet`'s frame and then its descriptors, which the output now owns.
    mutating func append(_ packet: Packet) {
        let frame = packet.frame
        items.append(Item(bytes: frame))
        byteCount += frame.count
        for descriptor in packet.descriptors {
            items.append(Item(bytes: [], descriptor: descriptor))
            byteCount += 1
        }
    }

    /// Writes to the non-blocking `socket` until it is full or nothing is left.
    mutating func write(to socket: StreamSocket) throws(VirError) {
        while head < items.count {
            if let descriptor = items[head].descriptor {
                do throws(VirError) {
                    try socket.sendDescriptor(descriptor)
                } catch {
                    if error.int1 == EAGAIN { return }
                    throw error
                }
                close(descriptor)
                byteCount -= 1
            } else {
                let written = try socket.writeAvailable(items[head].bytes[items[head].sent...])
                if written == 0 { return }
                items[head].sent += written
                byteCount -= written
                if items[head].sent < items[head].bytes.count { continue }
            }
            head += 1
        }
        items.removeAll(keepingCapacity: items.count <= 64)
        head = 0
    }

    /// Drops what was not written, closing its descriptors: the client is gone.
    mutating func discard() {
        for item in items[head...] { if let descriptor = item.descriptor { close(descriptor) } }
        items.removeAll()
        head = 0
        byteCount = 0
    }
}
