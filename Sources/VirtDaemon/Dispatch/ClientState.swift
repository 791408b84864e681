import Synchronization
import VirtCore
import VirtError
import VirtRPC

/// What virtd knows of one client: the socket it came in on, the connection it opened, the
/// registrations it made and the streams it has open. Shared by the client's calls and its event forwarding.
final class ClientState: Sendable {
    /// Whether the client came in on the read-only socket: its connection is read-only
    /// whatever it asks.
    let readOnlySocket: Bool
    /// The drivers a CONNECT_OPEN can reach.
    let drivers: DriverRegistry
    /// The URI of a CONNECT_OPEN that names none.
    let defaultURI: String
    /// Where events go for the client's connection to write them.
    let outbox = Outbox()
    /// The client's event registrations.
    let events: ClientEvents
    /// The client's open streams (consoles).
    let streams = ClientStreams()
    private let connection = Mutex<Connection?>(nil)
    private let flags = Mutex(SessionFlags())

    /// What the client asked of the session beyond its calls.
    struct SessionFlags {
        /// It probed feature 10 (PROGRAM_KEEPALIVE): virtd pings it when it goes quiet.
        var keepalive = false
        /// It registered a close callback (360).
        var closeCallback = false
    }

    init(readOnlySocket: Bool, drivers: DriverRegistry, defaultURI: String) {
        self.readOnlySocket = readOnlySocket
        self.drivers = drivers
        self.defaultURI = defaultURI
        events = ClientEvents(outbox: outbox)
    }

    /// The session flags, read or changed under their lock.
    func withFlags<T>(_ body: (inout SessionFlags) -> T) -> T { flags.withLock { body(&$0) } }

    /// The connection CONNECT_OPEN made; libvirtd's error before it.
    func openConnection() throws(VirError) -> Connection {
        guard let open = connection.withLock({ $0 }) else {
            throw VirError(code: .internalError, domain: .rpc, message: "internal error: hypervisor connection not open")
        }
        return open
    }

    /// Whether the call `packet` runs on a worker thread rather than the event loop, because
    /// it may block its thread: a CONNECT_OPEN of a driver that may read its state when it
    /// opens (``DriverRegistry/openMayBlock(_:)``), and every call of a driver whose calls
    /// block (`NodeDriver.callsMayBlock`). The calls before CONNECT_OPEN only read the
    /// client's own state.
    func runsOnWorker(_ packet: Packet) -> Bool {
        let header = packet.header
        if header.program == .remote && header.procedure == RemoteProcedure.connectOpen.rawValue {
            guard let args = try? packet.decode(RemoteConnectOpenArgs.self) else { return false }  // refused, on the loop
            return drivers.openMayBlock(uriToOpen(args.name))
        }
        return callsMayBlock
    }

    /// Whether the open connection's calls may block the thread they run on.
    var callsMayBlock: Bool { connection.withLock { $0?.callsMayBlock ?? false } }

    /// Whether CONNECT_OPEN succeeded and CONNECT_CLOSE did not follow.
    var isOpen: Bool { connection.withLock { $0 != nil } }

    /// CONNECT_OPEN: `uri` (empty or absent: the default), read-only when the socket or
    /// `readOnly` says so. A second open is refused as libvirtd refuses it.
    func open(uri: String?, readOnly: Bool) async throws(VirError) {
        guard !isOpen else {
            throw VirError(code: .internalError, domain: .rpc, message: "internal error: connection already open")
        }
        let opened = try await Connection.open(uriToOpen(uri), readOnly: readOnlySocket || readOnly, drivers: drivers)
        connection.withLock { $0 = opened }
    }

    /// The URI a CONNECT_OPEN of `uri` opens: the default when it is empty or absent.
    private func uriToOpen(_ uri: String?) -> String {
        uri.flatMap { $0.isEmpty ? nil : $0 } ?? defaultURI
    }

    /// CONNECT_CLOSE, or the client hanging up: closes the connection, if any.
    func close() async {
        events.stop()
        streams.closeAll()
        withFlags { $0.closeCallback = false }
        let closing = connection.withLock { current in
            defer { current = nil }
            return current
        }
        await closing?.close()
    }
}
