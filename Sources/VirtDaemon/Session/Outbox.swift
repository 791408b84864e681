import Synchronization
import VirtError
import VirtRPC
import VirtSystem

/// Packets for a client that nobody asked for right now (events, keepalive pings), queued
/// by whoever produces them and written by the client's own thread, which a ``WakeSignal``
/// wakes.
/// Producers never block on a slow client; a client that lets ``limit`` packets pile up is
/// dropped instead.
final class Outbox: Sendable {
    /// The most packets that may wait for one client.
    static let limit = 4096

    private struct Queue: ~Copyable {
        var packets: [Packet] = []
        var overflowed = false
    }
    private let queue = Mutex(Queue())
    /// Readable while packets wait; the session thread polls it beside the socket.
    let wake: WakeSignal

    init() throws(VirError) {
        wake = try WakeSignal()
    }

    /// Queues `packet` and wakes the session thread.
    func post(_ packet: Packet) {
        queue.withLock { queue in
            if queue.packets.count < Self.limit { queue.packets.append(packet) } else { queue.overflowed = true }
        }
        wake.signal()
    }

    /// The packets queued so far, or nil when the client fell too far behind.
    func take() -> [Packet]? {
        wake.clear()
        return queue.withLock { queue in
            defer { queue.packets.removeAll() }
            return queue.overflowed ? nil : queue.packets
        }
    }
}
