import JSON

/// An asynchronous event QEMU sent on the monitor (`{"event": …, "data": …, "timestamp": …}`).
public struct QMPEvent: Sendable, Hashable {
    /// The event's name: `STOP`, `RESUME`, `SHUTDOWN`, `GUEST_PANICKED`, …
    public let name: String
    /// Its `data` member; `.null` when it has none.
    public let data: JSONValue
    /// When QEMU emitted it, in microseconds since the epoch.
    public let microseconds: Int64

    /// The event in one message of the monitor, or nil if the message is not an event.
    init?(message: JSONValue) {
        guard let name = message["event"]?.stringValue else { return nil }
        self.name = name
        data = message["data"] ?? .null
        let timestamp = message["timestamp"]
        microseconds = (timestamp?["seconds"]?.int64Value ?? 0) * 1_000_000 + (timestamp?["microseconds"]?.int64Value ?? 0)
    }
}
