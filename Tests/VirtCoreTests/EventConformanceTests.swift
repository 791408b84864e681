import Testing
import SwiftVirt

@Suite("Conformance: lifecycle events")
struct EventConformanceTests {
    @Test(arguments: ConformanceTarget.all)
    func lifecycleEventsInOrder(target: ConformanceTarget) async throws {
        try await target.withConnection { conn in
            let events = try await conn.lifecycleEvents()
            let domain = try await conn.defineDomain(xml: target.demoXML("events"))
            let running = try await domain.create()
            try await running.suspend()
            try await running.resume()
            // Without a guest that powers off when asked, the domain is destroyed instead.
            let shutsDown = target.features.contains(.guestPowerControl)
            if shutsDown {
                try await target.waitUntilBooted(running)
                try await running.shutdown()
            } else {
                try await running.destroy()
            }
            #expect(try await target.eventually { try await running.state().state == .shutoff })
            try await domain.undefine()
            var seen: [(DomainEventType, Int32, String)] = []
            for await event in events {
                seen.append((event.type, event.detail.rawValue, event.domain.name))
                if seen.count == 6 { break }
            }
            let expected: [(DomainEventType, Int32)] = [
                (.defined, DomainEventDetail.definedAdded.rawValue),
                (.started, DomainEventDetail.startedBooted.rawValue),
                (.suspended, DomainEventDetail.suspendedPaused.rawValue),
                (.resumed, DomainEventDetail.resumedUnpaused.rawValue),
                (.stopped, (shutsDown ? DomainEventDetail.stoppedShutdown : .stoppedDestroyed).rawValue),
                (.undefined, DomainEventDetail.undefinedRemoved.rawValue),
            ]
            #expect(seen.map(\.0) == expected.map(\.0))
            #expect(seen.map(\.1) == expected.map(\.1))
            #expect(seen.allSatisfy { $0.2 == "events" })
        }
    }
}

@Suite("Event streams")
struct EventStreamTests {
    @Test func closingTheConnectionEndsItsStreamsOnly() async throws {
        let first = try await Connection.open("test:///default")
        let second = try await Connection.open("test:///default")
        let firstEvents = try await first.lifecycleEvents()
        let secondEvents = try await second.lifecycleEvents()
        await first.close()
        var firstCount = 0
        for await _ in firstEvents { firstCount += 1 }
        #expect(firstCount == 0)
        let name = "stream-\(UInt32.random(in: 0...UInt32.max))"
        let domain = try await second.defineDomain(xml: demoXML(name))
        try await domain.undefine()
        var received: [DomainEventType] = []
        for await event in secondEvents where event.domain.name == name {
            received.append(event.type)
            if received.count == 2 { break }
        }
        #expect(received == [.defined, .undefined])
        await second.close()
    }
}
