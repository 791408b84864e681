import VirtCore
import VirtError
import VirtRPC
import XDR

/// Domain event registration, in both of libvirt's styles (``ClientEvents``). Registering
/// changes nothing on the host: a read-only connection may watch events.
enum EventProcedures {
    static let handlers: [RemoteProcedure: ProcedureHandler] = [
        .connectDomainEventCallbackRegisterAny: .session { (args: RemoteConnectDomainEventCallbackRegisterAnyArgs, client) throws(VirError) in
            let connection = try client.openConnection()
            var domain: Domain?
            if let wire = args.dom { domain = try await connection.domain(wire) }
            let callbackID = try await client.events.register(eventID: args.eventID, domain: domain, on: connection)
            return RemoteConnectDomainEventCallbackRegisterAnyRet(callbackID: callbackID)
        },
        .connectDomainEventCallbackDeregisterAny: .session { (args: RemoteConnectDomainEventCallbackDeregisterAnyArgs, client) throws(VirError) in
            try client.events.deregister(callbackID: args.callbackID)
            return XDRVoid()
        },
        .connectDomainEventRegisterAny: .session { (args: RemoteConnectDomainEventRegisterAnyArgs, client) throws(VirError) in
            try await client.events.registerLegacy(eventID: args.eventID, on: try client.openConnection())
            return XDRVoid()
        },
        .connectDomainEventDeregisterAny: .session { (args: RemoteConnectDomainEventDeregisterAnyArgs, client) throws(VirError) in
            try client.events.deregisterLegacy(eventID: args.eventID)
            return XDRVoid()
        },
        .connectDomainEventRegister: .session { (_: XDRVoid, client) throws(VirError) in
            try await client.events.registerLegacy(eventID: ClientEvents.lifecycle, on: try client.openConnection())
            return RemoteConnectDomainEventRegisterRet(cbRegistered: 1)
        },
        .connectDomainEventDeregister: .session { (_: XDRVoid, client) throws(VirError) in
            try client.events.deregisterLegacy(eventID: ClientEvents.lifecycle)
            return RemoteConnectDomainEventDeregisterRet(cbRegistered: 0)
        },
    ]
}
