import Synchronization
import VirtRPC

/// Packets for a client that nobody asked for right now (events): whoever produces them
/// posts them here, from any thread, and the client's connection writes them on the event
/// loop. Until a connection takes delivery, and after it ends, they are dropped.
final class Outbox: Sendable {
    private let recipient = Mutex<(@Sendable (Packet) -> Void)?>(nil)

    /// Sends every packet posted from now on to `deliver`.
    func deliver(to deliver: @escaping @Sendable (Packet) -> Void) {
        recipient.withLock { $0 = deliver }
    }

    /// Drops every packet posted from now on: the client is gone.
    func stop() {
        recipient.withLock { $0 = nil }
    }

    /// Hands `packet` to the client's connection.
    func post(_ packet: Packet) {
        recipient.withLock { $0 }?(packet)
    }
}
