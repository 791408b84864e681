import Synchronization
import VirtCore
import VirtError
import VirtRPC
import XDR

/// libvirt's remote driver: every call goes over libvirt's RPC protocol to a daemon, virtd
/// or a stock libvirtd (`test+unix:///default?socket=PATH`, `lxc+unix:///system`,
/// `qemu+tcp://127.0.0.1/system`, and plain `lxc:///`, which virtd serves).
///
/// Beyond libvirt's: when the daemon goes away the connection says so
/// (``connectionStateChanges()``), the next call connects again, and while events are
/// wanted it reconnects by itself and registers them anew. Every call honours a
/// ``CallDeadline`` and task cancellation.
public final class RemoteDriver: HypervisorDriver {
    let target: RemoteTarget
    let readOnly: Bool
    /// The connection in use and the event registration.
    let session = Mutex(Session())
    /// Connecting is one at a time: a lost connection is made again once, not per caller.
    private let connector = Connector()
    /// Lifecycle events for the connection's subscribers, once registered with the daemon.
    let events = EventBroadcaster()
    private let states = StateBroadcaster()

    /// The driver's mutable state, under one lock.
    struct Session {
        /// The connection in use (a dead one until it is replaced).
        var client: RemoteClient?
        /// Whether ``close()`` ended the driver.
        var closed = false
        /// Whether lifecycle events were asked for: they are registered with every new
        /// connection.
        var eventsWanted = false
        /// The daemon's callback id of the lifecycle registration on the connection in use.
        var callbackID: Int32?
    }

    private init(target: RemoteTarget, readOnly: Bool) {
        self.target = target
        self.readOnly = readOnly
    }

    /// The registry entry: takes remote URIs (see ``RemoteTarget``) and connects at once, so
    /// that an unreachable daemon fails the open as with libvirt. Corresponds to libvirt's
    /// `remoteConnectOpen`.
    @Sendable public static func open(_ uri: ConnectionURI, readOnly: Bool) async throws -> (any HypervisorDriver)? {
        guard let target = try RemoteTarget.of(uri, readOnly: readOnly) else { return nil }
        let driver = RemoteDriver(target: target, readOnly: readOnly)
        _ = try await driver.client()
        return driver
    }

    /// Corresponds to `virConnectClose`: closes the daemon's connection (CONNECT_CLOSE) and
    /// the socket.
    public func close() async {
        let client = session.withLock { session in
            session.closed = true
            defer { session.client = nil }
            return session.client
        }
        if let client {
            _ = try? await client.call(.remote, RemoteProcedure.connectClose.rawValue, XDRVoid(), deadline: .now + .seconds(5))
            client.close()
        }
        events.finish()
        states.finish()
    }

    /// Whether the daemon is reachable now. Corresponds to `virConnectIsAlive`.
    public func connectionState() async -> ConnectionState {
        states.current
    }

    /// The changes of ``connectionState()`` from now on.
    public func connectionStateChanges() async -> AsyncStream<ConnectionState> {
        states.subscribe()
    }

    // MARK: - Calls

    /// Calls `procedure` with `arguments` and decodes its reply as `Ret`.
    func call<Ret: XDRCodable>(_ procedure: RemoteProcedure, _ arguments: some XDRCodable, returning: Ret.Type) async throws(VirError) -> Ret {
        try await packet(.remote, procedure.rawValue, arguments).decode(Ret.self)
    }

    /// Calls `procedure`, which takes no arguments, and decodes its reply as `Ret`.
    func call<Ret: XDRCodable>(_ procedure: RemoteProcedure, returning: Ret.Type) async throws(VirError) -> Ret {
        try await call(procedure, XDRVoid(), returning: Ret.self)
    }

    /// Calls `procedure`, whose reply carries nothing.
    func perform(_ procedure: RemoteProcedure, _ arguments: some XDRCodable) async throws(VirError) {
        _ = try await packet(.remote, procedure.rawValue, arguments)
    }

    /// The reply packet of a call, within the task's ``CallDeadline``. `descriptors` go
    /// with the call (`CALL_WITH_FDS`) and stay the caller's; those of the reply are the
    /// caller's to close.
    func packet(_ program: RPCProgram, _ procedure: Int32, _ arguments: some XDRCodable, descriptors: [Int32] = []) async throws(VirError) -> Packet {
        try await client().call(program, procedure, arguments, descriptors: descriptors, deadline: CallDeadline.current)
    }

    /// The connection in use, made (again) if there is none.
    func client() async throws(VirError) -> RemoteClient {
        if let open = try session.withLock({ (session) throws(VirError) -> RemoteClient? in
            guard !session.closed else { throw VirError(.invalidConn, "the connection is closed", domain: .remote) }
            return session.client.flatMap { $0.isAlive ? $0 : nil }
        }) {
            return open
        }
        return try await connector.run { @Sendable () throws(VirError) -> RemoteClient in
            if let open = session.withLock({ $0.client.flatMap { $0.isAlive ? $0 : nil } }) { return open }
            return try await connect()
        }
    }

    /// Connects and shakes hands as libvirt's client does: the authentication list, then
    /// CONNECT_OPEN; then renews the event registration if events are wanted.
    private func connect() async throws(VirError) -> RemoteClient {
        let socket = try target.connect()
        let client = RemoteClient(socket: socket, onMessage: { [weak self] in self?.received($0) },
                                  onClose: { [weak self] in self?.lost($0, because: $1) })
        do throws(VirError) {
            let deadline = CallDeadline.current
            let auth = try await client.call(.remote, RemoteProcedure.authList.rawValue, XDRVoid(), deadline: deadline)
                .decode(RemoteAuthListRet.self)
            guard auth.types.isEmpty || auth.types.contains(0) else {
                throw VirError(.authFailed, "the daemon offers no authentication SwiftVirt can do (types \(auth.types))", domain: .remote)
            }
            let open = RemoteConnectOpenArgs(name: target.name, flags: readOnly ? 1 : 0)
            _ = try await client.call(.remote, RemoteProcedure.connectOpen.rawValue, open, deadline: deadline)
        } catch {
            client.close()
            throw error
        }
        let (wasLost, wantsEvents) = session.withLock { session in
            defer { session.client = client }
            return (session.client != nil, session.eventsWanted)
        }
        if wantsEvents { try await registerEvents(on: client) }
        if wasLost { states.update(.reconnected) }
        return client
    }

    /// The connection `client` ended under the driver: say so, and connect again at once if
    /// events are wanted (they arrive only over a connection). The end of a connection
    /// already replaced changes nothing.
    private func lost(_ client: RemoteClient, because reason: VirError) {
        guard let wantsEvents = session.withLock({ session -> Bool? in
            guard session.client === client else { return nil }
            session.callbackID = nil
            return session.eventsWanted && !session.closed
        }) else { return }
        states.update(.disconnected(reason: reason.message))
        if wantsEvents { Task { await reconnectForEvents() } }
    }

    /// Tries to connect again, backing off from 0.1 s to 2 s, until it works or the driver
    /// is closed.
    private func reconnectForEvents() async {
        var pause = Duration.milliseconds(100)
        while !session.withLock({ $0.closed }) {
            if (try? await client()) != nil { return }
            try? await Task.sleep(for: pause)
            pause = min(pause * 2, .seconds(2))
        }
    }
}

/// Runs one connection attempt at a time.
private actor Connector {
    func run<T: Sendable>(_ body: @Sendable () async throws(VirError) -> T) async throws(VirError) -> T {
        try await body()
    }
}
