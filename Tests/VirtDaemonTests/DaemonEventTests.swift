import Foundation
import TestSupport
import Testing
import VirtError
import VirtRPC
import XDR

/// Event registration in both of libvirt's styles, close callbacks, features and keepalive,
/// with a raw protocol client.
struct DaemonEventTests {
    private typealias Client = DaemonFixture.RawClient

    @Test func callbackRegistrationsGetTheirOwnMessagesFilteredByDomain() async throws {
        let fixture = try await DaemonFixture.start()
        let client = try Client(fixture.socket)
        try await offPool {
            try open(client)
            let test = try client.call(call(.domainLookupByName, 2, RemoteDomainLookupByNameArgs(name: "test"))).decode(RemoteDomainLookupByNameRet.self).dom
            let forTest = try client.call(call(.connectDomainEventCallbackRegisterAny, 3, RemoteConnectDomainEventCallbackRegisterAnyArgs(eventID: 0, dom: test)))
                .decode(RemoteConnectDomainEventCallbackRegisterAnyRet.self).callbackID
            let forAll = try client.call(call(.connectDomainEventCallbackRegisterAny, 4, RemoteConnectDomainEventCallbackRegisterAnyArgs(eventID: 0, dom: nil)))
                .decode(RemoteConnectDomainEventCallbackRegisterAnyRet.self).callbackID
            #expect(forAll > forTest)
            #expect(try error(client.call(call(.connectDomainEventCallbackRegisterAny, 5, RemoteConnectDomainEventCallbackRegisterAnyArgs(eventID: 27, dom: nil))))
                .message == "internal error: unsupported event ID 27")

            _ = try client.call(call(.domainSuspend, 6, RemoteDomainSuspendArgs(dom: test)))
            let suspended = try [nextMessage(client), nextMessage(client)].map { try $0.decode(RemoteDomainEventCallbackLifecycleMsg.self) }
            #expect(Set(suspended.map(\.callbackID)) == [forTest, forAll])
            #expect(suspended.allSatisfy { $0.msg.dom.name == "test" && $0.msg.event == 3 && $0.msg.detail == 0 })

            let demo = try String(contentsOfFile: StockVirshTests.demo, encoding: .utf8)
            _ = try client.call(call(.domainDefineXml, 7, RemoteDomainDefineXmlArgs(xml: demo)))
            let defined = try nextMessage(client).decode(RemoteDomainEventCallbackLifecycleMsg.self)
            #expect(defined.callbackID == forAll && defined.msg.dom.name == "demo" && defined.msg.event == 0)

            #expect(try client.call(call(.connectDomainEventCallbackDeregisterAny, 8, RemoteConnectDomainEventCallbackDeregisterAnyArgs(callbackID: forTest))).header.status == .ok)
            #expect(try error(client.call(call(.connectDomainEventCallbackDeregisterAny, 9, RemoteConnectDomainEventCallbackDeregisterAnyArgs(callbackID: forTest))))
                .message == "internal error: domain event callback \(forTest) not registered")
        }
        withExtendedLifetime(fixture) {}
    }

    @Test func legacyRegistrationsAreOnePerEventIDAndGetTheOldMessages() async throws {
        let fixture = try await DaemonFixture.start()
        let client = try Client(fixture.socket)
        try await offPool {
            try open(client)
            #expect(try client.call(call(.connectDomainEventRegisterAny, 2, RemoteConnectDomainEventRegisterAnyArgs(eventID: 0))).header.status == .ok)
            #expect(try error(client.call(call(.connectDomainEventRegisterAny, 3, RemoteConnectDomainEventRegisterAnyArgs(eventID: 0)))).code == .invalidArg)
            #expect(try error(client.call(call(.connectDomainEventRegisterAny, 4, RemoteConnectDomainEventRegisterAnyArgs(eventID: 16))))
                .message == "internal error: unsupported event ID 16")
            let test = try client.call(call(.domainLookupByName, 5, RemoteDomainLookupByNameArgs(name: "test"))).decode(RemoteDomainLookupByNameRet.self).dom
            _ = try client.call(call(.domainDestroy, 6, RemoteDomainDestroyArgs(dom: test)))
            let stopped = try nextMessage(client)
            #expect(stopped.header.procedure == RemoteProcedure.domainEventLifecycle.rawValue && stopped.header.serial == 1)
            let event = try stopped.decode(RemoteDomainEventLifecycleMsg.self)
            #expect(event.dom.name == "test" && event.event == 5 && event.detail == 1)
            #expect(try client.call(call(.connectDomainEventDeregisterAny, 7, RemoteConnectDomainEventDeregisterAnyArgs(eventID: 0))).header.status == .ok)
            #expect(try error(client.call(call(.connectDomainEventDeregisterAny, 8, RemoteConnectDomainEventDeregisterAnyArgs(eventID: 0))))
                .message == "internal error: domain event 0 not registered")
        }
        withExtendedLifetime(fixture) {}
    }

    @Test func featuresAfterOpenAndCloseCallbacksRegisterOnce() async throws {
        let fixture = try await DaemonFixture.start()
        let client = try Client(fixture.socket)
        try await offPool {
            #expect(try error(client.call(call(.connectSupportsFeature, 0, RemoteConnectSupportsFeatureArgs(feature: 14)))).message
                == "internal error: hypervisor connection not open")
            try open(client)
            for (feature, supported) in [(8, 1), (9, 1), (10, 1), (14, 1), (15, 1), (3, 0), (13, 0)] as [(Int32, Int32)] {
                let reply = try client.call(call(.connectSupportsFeature, 2, RemoteConnectSupportsFeatureArgs(feature: feature)))
                #expect(try reply.decode(RemoteConnectSupportsFeatureRet.self).supported == supported, "feature \(feature)")
            }
            #expect(try client.call(call(.connectRegisterCloseCallback, 3, XDRVoid())).header.status == .ok)
            #expect(try error(client.call(call(.connectRegisterCloseCallback, 4, XDRVoid()))).code == .operationInvalid)
            #expect(try client.call(call(.connectUnregisterCloseCallback, 5, XDRVoid())).header.status == .ok)
            #expect(try error(client.call(call(.connectUnregisterCloseCallback, 6, XDRVoid()))).code == .operationInvalid)
        }
        withExtendedLifetime(fixture) {}
    }

    @Test func aClientThatAskedForKeepaliveIsPingedAndDroppedWhenItNeverAnswers() async throws {
        let fixture = try await DaemonFixture.start(options: ["--keepalive-interval", "1", "--keepalive-count", "2"])
        let answering = try Client(fixture.socket)
        let silent = try Client(fixture.socket)
        try await offPool {
            for client in [answering, silent] {
                #expect(try client.call(call(.connectSupportsFeature, 0, RemoteConnectSupportsFeatureArgs(feature: 10))).decode(RemoteConnectSupportsFeatureRet.self).supported == 1)
            }
            // The answering client replies to three pings and is still served.
            for _ in 0..<3 {
                let ping = try answering.receive()
                #expect(ping.header.program == .keepalive && ping.header.procedure == KeepaliveProcedure.ping.rawValue)
                try answering.socket.writeAll(Packet(header: PacketHeader(program: .keepalive, procedure: KeepaliveProcedure.pong.rawValue, type: .message, serial: 0)).frame)
            }
            try open(answering)
            // The silent one got its two pings, then the daemon hung up.
            var pings = 0
            do {
                while true { if try silent.receive().header.procedure == KeepaliveProcedure.ping.rawValue { pings += 1 } }
            } catch is Client.RawClientClosed {}
            #expect(pings == 2)
        }
        withExtendedLifetime(fixture) {}
    }

    private func call(_ procedure: RemoteProcedure, _ serial: UInt32, _ body: some XDRCodable) -> Packet {
        Packet(header: PacketHeader(program: .remote, procedure: procedure.rawValue, type: .call, serial: serial), body: body)
    }

    private func open(_ client: Client) throws {
        let reply = try client.call(call(.connectOpen, 1, RemoteConnectOpenArgs(name: "test:///default", flags: 0)))
        #expect(reply.header.status == .ok)
    }

    private func error(_ reply: Packet) throws -> VirError {
        #expect(reply.header.status == .error)
        return try reply.decode(RemoteError.self).virError
    }

    /// The next MESSAGE: one that came with a reply, or the next to arrive.
    private func nextMessage(_ client: Client) throws -> Packet {
        if !client.messages.isEmpty { return client.messages.removeFirst() }
        while true {
            let packet = try client.receive()
            if packet.header.type == .message { return packet }
        }
    }
}
