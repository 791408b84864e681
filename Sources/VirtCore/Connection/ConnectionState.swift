/// Whether a connection still reaches its driver. A driver in this process is always
/// ``connected``; a remote connection loses its daemon when it stops or the socket breaks,
/// and finds it again when the daemon is back.
public enum ConnectionState: Sendable, Equatable {
    /// Calls reach the driver.
    case connected
    /// The daemon went away (libvirt's close callback fires here, with its reason): calls
    /// fail until the connection is made again.
    case disconnected(reason: String)
    /// Connected again after a loss, with the event registrations renewed.
    case reconnected
}

extension Connection {
    /// Whether calls reach the driver now. Corresponds to `virConnectIsAlive`.
    public func isAlive() async -> Bool {
        guard !isClosed else { return false }
        if case .disconnected = await connectionState() { return false }
        return true
    }

    /// Whether calls reach the driver now.
    public func connectionState() async -> ConnectionState {
        await driver.connectionState()
    }

    /// The changes of ``connectionState()`` from now on, until the connection is closed.
    /// Corresponds to `virConnectRegisterCloseCallback`, which reports only the losses.
    public func connectionStateChanges() async -> AsyncStream<ConnectionState> {
        await driver.connectionStateChanges()
    }
}
