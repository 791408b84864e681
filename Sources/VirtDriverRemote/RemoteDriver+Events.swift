import VirtCore
import VirtError
import VirtRPC

/// Lifecycle events over the protocol: one registration with the daemon (renewed after each
/// reconnect, see ``RemoteDriver/client()``), fanned out to every subscriber.
extension RemoteDriver {
    /// Corresponds to `virConnectDomainEventRegisterAny` for lifecycle events: registers
    /// with the daemon once (REGISTER_ANY with callbacks), then fans out locally.
    public func lifecycleEvents() async throws -> AsyncStream<DomainEvent> {
        let stream = events.subscribe()
        let client = try await client()
        let first = session.withLock { session in
            defer { session.eventsWanted = true }
            return session.callbackID == nil
        }
        if first { try await registerEvents(on: client) }
        return stream
    }

    func registerEvents(on client: RemoteClient) async throws(VirError) {
        let arguments = RemoteConnectDomainEventCallbackRegisterAnyArgs(eventID: 0, dom: nil)
        let reply = try await client.call(.remote, RemoteProcedure.connectDomainEventCallbackRegisterAny.rawValue, arguments,
                                          deadline: CallDeadline.current)
        let callbackID = try reply.decode(RemoteConnectDomainEventCallbackRegisterAnyRet.self).callbackID
        session.withLock { $0.callbackID = callbackID }
    }

    /// A MESSAGE from the daemon: a lifecycle event of our registration.
    func received(_ packet: Packet) {
        guard packet.header.program == .remote,
              packet.header.procedure == RemoteProcedure.domainEventCallbackLifecycle.rawValue,
              let message = try? packet.decode(RemoteDomainEventCallbackLifecycleMsg.self),
              message.callbackID == session.withLock({ $0.callbackID }),
              let type = DomainEventType(rawValue: message.msg.event) else { return }
        events.emit(DomainEvent(domain: DomainIdentity(message.msg.dom), type: type, detail: DomainEventDetail(rawValue: message.msg.detail)))
    }
}
