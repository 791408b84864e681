import Synchronization

/// Fans a driver's lifecycle events out to every subscriber.
public typealias EventBroadcaster = Broadcaster<DomainEvent>

/// Fans values (events, state changes) out to every subscriber. Each subscriber gets its
/// own `AsyncStream`; a subscriber that stops iterating is removed.
public final class Broadcaster<Element: Sendable>: Sendable {
    private struct Subscribers: ~Copyable {
        var next = 0
        var continuations: [Int: AsyncStream<Element>.Continuation] = [:]
    }
    private let state = Mutex(Subscribers())

    /// An empty broadcaster.
    public init() {}

    /// A new stream that receives every value emitted after this call.
    public func subscribe() -> AsyncStream<Element> {
        let (stream, continuation) = AsyncStream<Element>.makeStream(bufferingPolicy: .bufferingNewest(4096))
        let key = state.withLock { subscribers in
            subscribers.next += 1
            subscribers.continuations[subscribers.next] = continuation
            return subscribers.next
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.continuations.removeValue(forKey: key) }
        }
        return stream
    }

    /// Delivers `event` to every subscriber.
    public func emit(_ event: Element) {
        let targets = state.withLock { Array($0.continuations.values) }
        for continuation in targets { continuation.yield(event) }
    }

    /// Ends every subscriber's stream, as closing a connection does.
    public func finish() {
        let targets = state.withLock { subscribers in
            defer { subscribers.continuations.removeAll() }
            return Array(subscribers.continuations.values)
        }
        for continuation in targets { continuation.finish() }
    }
}
