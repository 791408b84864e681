import Synchronization
import VirtCore
import VirtError
import VirtRPC
import XDR

/// A client's domain event registrations and the forwarding of its connection's events to
/// it, as MESSAGE packets. Two styles, as libvirtd has them: callback registrations
/// (316/317, one callbackID each, optionally for one domain, delivered as 318…) and legacy
/// ones (105/167, one per event ID, delivered as 107…).
final class ClientEvents: Sendable {
    /// `VIR_DOMAIN_EVENT_ID_LAST` of libvirt 9.0: the callback style's event IDs are below it.
    static let eventIDLimit: Int32 = 27
    /// The legacy style stops at `VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED` (15).
    static let legacyEventIDLimit: Int32 = 16
    /// `VIR_DOMAIN_EVENT_ID_LIFECYCLE`: the only event SwiftVirt's drivers emit.
    static let lifecycle: Int32 = 0

    /// callbackIDs are daemon-wide, as libvirtd's are.
    private static let nextCallbackID = Atomic<Int32>(0)

    private struct Registration {
        var eventID: Int32
        /// The UUID of the one domain it is for, or nil for all.
        var domain: [UInt8]?
        var legacy: Bool
    }
    private struct State: ~Copyable {
        var registrations: [Int32: Registration] = [:]
        var forwarding: Task<Void, Never>?
    }
    private let state = Mutex(State())
    private let outbox: Outbox

    init(outbox: Outbox) { self.outbox = outbox }

    /// CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY: a new callbackID for `eventID`, for
    /// `domain` only when given.
    func register(eventID: Int32, domain: Domain?, on connection: Connection) async throws(VirError) -> Int32 {
        guard (0..<Self.eventIDLimit).contains(eventID) else { throw Self.unsupported(eventID) }
        return try await add(Registration(eventID: eventID, domain: domain?.uuid.bytes, legacy: false), on: connection)
    }

    /// CONNECT_DOMAIN_EVENT_REGISTER_ANY (and REGISTER, for lifecycle): `eventID` for every
    /// domain, at most once.
    func registerLegacy(eventID: Int32, on connection: Connection) async throws(VirError) {
        guard (0..<Self.legacyEventIDLimit).contains(eventID) else { throw Self.unsupported(eventID) }
        let duplicate = state.withLock { $0.registrations.values.contains { $0.legacy && $0.eventID == eventID } }
        guard !duplicate else { throw VirError(.invalidArg, "event callback already tracked", domain: .none) }
        _ = try await add(Registration(eventID: eventID, domain: nil, legacy: true), on: connection)
    }

    /// CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY
    func deregister(callbackID: Int32) throws(VirError) {
        let removed = state.withLock { $0.registrations[callbackID]?.legacy == false ? $0.registrations.removeValue(forKey: callbackID) : nil }
        guard removed != nil else {
            throw VirError(code: .internalError, domain: .rpc, message: "internal error: domain event callback \(callbackID) not registered")
        }
    }

    /// CONNECT_DOMAIN_EVENT_DEREGISTER_ANY (and DEREGISTER, for lifecycle).
    func deregisterLegacy(eventID: Int32) throws(VirError) {
        guard (0..<Self.legacyEventIDLimit).contains(eventID) else { throw Self.unsupported(eventID) }
        let removed = state.withLock { state in
            state.registrations.first { $0.value.legacy && $0.value.eventID == eventID }.map { state.registrations.removeValue(forKey: $0.key) }
        }
        guard removed != nil else {
            throw VirError(code: .internalError, domain: .rpc, message: "internal error: domain event \(eventID) not registered")
        }
    }

    /// Ends the forwarding (the connection is closing).
    func stop() {
        let task = state.withLock { state in
            defer { state.registrations.removeAll(); state.forwarding = nil }
            return state.forwarding
        }
        task?.cancel()
    }

    private func add(_ registration: Registration, on connection: Connection) async throws(VirError) -> Int32 {
        let needsForwarding = state.withLock { $0.forwarding == nil }
        let events = needsForwarding ? try await connection.lifecycleEvents() : nil
        let callbackID = Self.nextCallbackID.add(1, ordering: .relaxed).newValue
        state.withLock { state in
            state.registrations[callbackID] = registration
            if let events, state.forwarding == nil {
                // On the pool, not on the executor of the client thread that registered.
                state.forwarding = Task(executorPreference: globalConcurrentExecutor) { [self] in
                    for await event in events { deliver(event) }
                }
            }
        }
        return callbackID
    }

    /// Posts `event` to the client once per registration it matches.
    private func deliver(_ event: DomainLifecycleEvent) {
        let matching = state.withLock { state in
            state.registrations.filter { $0.value.eventID == Self.lifecycle && ($0.value.domain == nil || $0.value.domain == event.domain.uuid.bytes) }
        }
        let message = RemoteDomainEventLifecycleMsg(dom: RemoteNonnullDomain(event.domain), event: event.type.rawValue, detail: event.detail.rawValue)
        for (callbackID, registration) in matching.sorted(by: { $0.key < $1.key }) {
            if registration.legacy {
                outbox.post(Self.message(.domainEventLifecycle, message))
            } else {
                outbox.post(Self.message(.domainEventCallbackLifecycle, RemoteDomainEventCallbackLifecycleMsg(callbackID: callbackID, msg: message)))
            }
        }
    }

    /// An event as libvirtd sends it: a MESSAGE of the REMOTE program, serial 1.
    private static func message(_ procedure: RemoteProcedure, _ body: some XDRCodable) -> Packet {
        Packet(header: PacketHeader(program: .remote, procedure: procedure.rawValue, type: .message, serial: 1), body: body)
    }

    private static func unsupported(_ eventID: Int32) -> VirError {
        VirError(code: .internalError, domain: .rpc, message: "internal error: unsupported event ID \(eventID)")
    }
}
