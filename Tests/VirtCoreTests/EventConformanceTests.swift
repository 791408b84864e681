import Testing
import SwiftVirt

@Suite("Conformance: lifecycle events")
struct EventConformanceTests {
    @Test(arguments: ConformanceTarget.all)
    func lifecycleEventsInOrder(target: ConformanceTarget) async throws {
        try await target.withConnection { conn in
            let events = try await conn.lifecycleEvents()
            let domain = try await conn.defineDomain(xml: demoXML("events"))
            let running = try await domain.create()
            try await running.suspend()
            try await running.resume()
            try await running.shutdown()
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
                (.stopped, DomainEventDetail.stoppedShutdown.rawValue),
                (.undefined, DomainEventDetail.undefinedRemoved.rawValue),
            ]
            #expect(seen.map(\.0) == expected.map(\.0))
            #expect(seen.map(\.1) == expected.map(\.1))
            #expect(seen.allSatisfy { $0.2 == "events" })
        }
    }
}
