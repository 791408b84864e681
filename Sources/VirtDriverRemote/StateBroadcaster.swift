import Synchronization
import VirtCore

/// The connection's state, and the streams that follow its changes.
final class StateBroadcaster: Sendable {
    private let state = Mutex(ConnectionState.connected)
    private let changes = Broadcaster<ConnectionState>()

    /// The state now (``ConnectionState/reconnected`` counts as connected).
    var current: ConnectionState { state.withLock { $0 } }

    /// The changes from now on.
    func subscribe() -> AsyncStream<ConnectionState> { changes.subscribe() }

    /// Records `change` and tells the subscribers.
    func update(_ change: ConnectionState) {
        state.withLock { $0 = change == .reconnected ? .connected : change }
        changes.emit(change)
    }

    /// Ends the subscribers' streams: the connection was closed.
    func finish() { changes.finish() }
}
