import Testing
import SwiftVirt

@Suite("Conformance: snapshots")
struct SnapshotConformanceTests {
    static func snapshotXML(_ name: String, description: String? = nil) -> String {
        "<domainsnapshot><name>\(name)</name>\(description.map { "<description>\($0)</description>" } ?? "")</domainsnapshot>"
    }

    @Test(arguments: ConformanceTarget.having(.snapshots))
    func treeCurrentParentAndListing(target: ConformanceTarget) async throws {
        try await target.withConnection { conn in
            let domain = try await conn.lookupDomain(name: "test")
            #expect(try await !domain.hasCurrentSnapshot())
            await expectVirError(.noDomainSnapshot) { _ = try await domain.currentSnapshot() }
            let a = try await domain.createSnapshot(xml: Self.snapshotXML("a", description: "first"))
            let b = try await domain.createSnapshot(xml: Self.snapshotXML("b"))
            #expect(try await b.parent().name == "a")
            await expectVirError(.noDomainSnapshot) { _ = try await a.parent() }
            #expect(try await domain.currentSnapshot().name == "b")
            #expect(try await b.isCurrent())
            #expect(try await !a.isCurrent())
            #expect(try await a.hasMetadata())

            try await b.revert()
            #expect(try await domain.currentSnapshot().name == "b")
            try await a.revert()
            let c = try await domain.createSnapshot(xml: Self.snapshotXML("c"))
            #expect(try await c.parent().name == "a")
            // a ─┬─ b
            //    └─ c
            #expect(try await domain.snapshotCount() == 3)
            #expect(Set(try await domain.snapshotNames()) == ["a", "b", "c"])
            #expect(try await domain.snapshotNames(flags: .roots) == ["a"])
            #expect(Set(try await domain.snapshotNames(flags: .leaves)) == ["b", "c"])
            #expect(try await domain.snapshotNames(flags: .noLeaves) == ["a"])
            #expect(try await domain.snapshotNames(flags: .topological).first == "a")
            #expect(Set(try await a.childNames()) == ["b", "c"])
            #expect(try await a.childCount(flags: .descendants) == 2)
            #expect(try await domain.snapshotNames(flags: .noMetadata) == [])
            #expect(try await domain.snapshotCount(flags: .active) == 3)
            #expect(try await domain.snapshotCount(flags: .inactive) == 0)
            #expect(try await domain.snapshotCount(flags: .internal) == 3)
            #expect(try await domain.snapshotCount(flags: .external) == 0)

            let xml = try await a.xmlDescription()
            #expect(xml.contains("<name>a</name>") && xml.contains("<description>first</description>") && xml.contains("<state>running</state>"))
            #expect(try await c.xmlDescription().contains("<parent>\n    <name>a</name>\n  </parent>"))
            await expectVirError(.noDomainSnapshot) { _ = try await domain.snapshot(named: "zz") }
            await expectVirError(.operationFailed) { try await domain.createSnapshot(xml: Self.snapshotXML("a")) }
            await expectVirError(.xmlError, [.xmlError, .xmlDetail]) { try await domain.createSnapshot(xml: "<notasnapshot/>") }
            await expectVirError(.xmlError, [.xmlError, .xmlDetail]) { try await domain.createSnapshot(xml: "<domainsnapshot>") }
        }
    }

    @Test(arguments: ConformanceTarget.having(.allSnapshotFlags))
    func createFlagRules(target: ConformanceTarget) async throws {
        try await target.withConnection { conn in
            let domain = try await conn.lookupDomain(name: "test")
            let xml = Self.snapshotXML("f")
            await expectVirError(.invalidArg) { try await domain.createSnapshot(xml: xml, flags: .current) }
            await expectVirError(.invalidArg) { try await domain.createSnapshot(xml: xml, flags: [.redefine, .noMetadata]) }
            await expectVirError(.invalidArg) { try await domain.createSnapshot(xml: xml, flags: [.redefine, .halt]) }
            await expectVirError(.operationInvalid) { try await domain.createSnapshot(xml: xml, flags: .quiesce) }
            #expect(try await domain.snapshotCount() == 0)

            // NO_METADATA: the snapshot is taken but not tracked.
            try await domain.createSnapshot(xml: Self.snapshotXML("untracked"), flags: .noMetadata)
            #expect(try await domain.snapshotCount() == 0)

            // DISK_ONLY (+QUIESCE): a disk-only, external snapshot.
            let disk = try await domain.createSnapshot(xml: Self.snapshotXML("disk"), flags: [.diskOnly, .quiesce])
            let diskXML = try await disk.xmlDescription()
            #expect(diskXML.contains("<state>disk-snapshot</state>") && diskXML.contains("snapshot='external'"))
            #expect(try await domain.snapshotNames(flags: .diskOnly) == ["disk"])
            #expect(try await domain.snapshotNames(flags: .external) == ["disk"])

            // HALT stops the domain; a transient domain refuses it.
            try await domain.createSnapshot(xml: Self.snapshotXML("halted"), flags: .halt)
            #expect(try await domain.state() == (.shutoff, .shutoffFromSnapshot))
            let transient = try await conn.createDomain(xml: target.demoXML("snap-transient"))
            await expectVirError(.operationInvalid) { try await transient.createSnapshot(xml: xml, flags: .halt) }
            #expect(try await transient.isActive())
        }
    }

    @Test(arguments: ConformanceTarget.having(.snapshots))
    func redefine(target: ConformanceTarget) async throws {
        try await target.withConnection { conn in
            let domain = try await conn.lookupDomain(name: "test")
            let original = try await domain.createSnapshot(xml: Self.snapshotXML("orig"))
            let saved = try await original.xmlDescription()
            try await original.delete()
            #expect(try await domain.snapshotCount() == 0)
            let again = try await domain.createSnapshot(xml: saved, flags: .redefine)
            #expect(try await again.xmlDescription() == saved)
            #expect(try await !domain.hasCurrentSnapshot())
            try await domain.createSnapshot(xml: saved, flags: [.redefine, .current])
            #expect(try await domain.currentSnapshot().name == "orig")
            await expectVirError(.xmlError) { try await domain.createSnapshot(xml: "<domainsnapshot><state>running</state></domainsnapshot>", flags: .redefine) }
            let orphan = saved.replacingOccurrences(of: "<name>orig</name>", with: "<name>child</name>")
                .replacingOccurrences(of: "<state>running</state>", with: "<state>running</state>\n  <parent>\n    <name>missing</name>\n  </parent>")
            await expectVirError(.invalidArg) { try await domain.createSnapshot(xml: orphan, flags: .redefine) }
            let offline = saved.replacingOccurrences(of: "<state>running</state>", with: "<state>shutoff</state>")
                .replacingOccurrences(of: "<memory snapshot='internal'/>", with: "<memory snapshot='no'/>")
            await expectVirError(.invalidArg) { try await domain.createSnapshot(xml: offline, flags: .redefine) }
            let foreign = saved.replacingOccurrences(of: "6695eb01-f6a4-8304-79aa-97f2502e193f", with: "00000000-0000-0000-0000-000000000009")
            await expectVirError(.invalidArg) { try await domain.createSnapshot(xml: foreign, flags: .redefine) }
        }
    }

    @Test(arguments: ConformanceTarget.having(.snapshots))
    func revertStates(target: ConformanceTarget) async throws {
        try await target.withConnection { conn in
            let domain = try await conn.defineDomain(xml: target.demoXML("rev"))
            let off = try await domain.createSnapshot(xml: Self.snapshotXML("off"))
            let running = try await domain.create()
            let on = try await running.createSnapshot(xml: Self.snapshotXML("on"))
            try await running.suspend()
            let paused = try await running.createSnapshot(xml: Self.snapshotXML("paused"))

            try await off.revert()
            #expect(try await domain.state() == (.shutoff, .shutoffFromSnapshot))
            try await on.revert()
            #expect(try await domain.state() == (.running, .runningFromSnapshot))
            try await paused.revert()
            #expect(try await domain.state() == (.paused, .pausedFromSnapshot))
            try await paused.revert(flags: .running)
            #expect(try await domain.state().state == .running)
            try await on.revert(flags: .paused)
            #expect(try await domain.state().state == .paused)
            if target.features.contains(.revertStartsShutoffSnapshots) {
                try await off.revert(flags: .running)
                #expect(try await domain.state().state == .running)
            }
            try await on.revert(flags: .force)
            #expect(try await domain.currentSnapshot().name == "on")
            await expectVirError(.invalidArg) { try await on.revert(flags: [.running, .paused]) }
            await expectVirError(.noDomainSnapshot) { try await DomainSnapshot(domain: domain, name: "gone").revert() }
        }
    }

    @Test(arguments: ConformanceTarget.having(.snapshots))
    func deleteVariants(target: ConformanceTarget) async throws {
        try await target.withConnection { conn in
            let domain = try await conn.lookupDomain(name: "test")
            for name in ["r", "m", "l1", "l2"] {
                if name == "l2" { try await domain.snapshot(named: "m").revert() }
                try await domain.createSnapshot(xml: Self.snapshotXML(name))
            }
            // r ─ m ─┬─ l1
            //        └─ l2 (current)
            try await domain.snapshot(named: "m").delete()
            #expect(Set(try await domain.snapshot(named: "r").childNames()) == ["l1", "l2"])
            #expect(try await domain.snapshot(named: "l1").parent().name == "r")
            try await domain.snapshot(named: "r").delete(flags: .childrenOnly)
            #expect(try await domain.snapshotNames() == ["r"])
            #expect(try await domain.currentSnapshot().name == "r")
            try await domain.createSnapshot(xml: Self.snapshotXML("x"))
            try await domain.snapshot(named: "r").delete(flags: .children)
            #expect(try await domain.snapshotCount() == 0)
            #expect(try await !domain.hasCurrentSnapshot())
            await expectVirError(.invalidArg) { try await DomainSnapshot(domain: domain, name: "r").delete(flags: [.children, .childrenOnly]) }
            await expectVirError(.noDomainSnapshot) { try await DomainSnapshot(domain: domain, name: "r").delete() }
        }
    }

    @Test(arguments: ConformanceTarget.having(.snapshots))
    func undefineNeedsSnapshotFlag(target: ConformanceTarget) async throws {
        try await target.withConnection { conn in
            let domain = try await conn.defineDomain(xml: target.demoXML("snapped"))
            try await domain.createSnapshot(xml: Self.snapshotXML("s"))
            await expectVirError(.operationInvalid) { try await domain.undefine() }
            #expect(try await domain.snapshotCount() == 1)
            try await domain.undefine(flags: .snapshotsMetadata)
            await expectVirError(.noDomain) { _ = try await conn.lookupDomain(name: "snapped") }
        }
    }
}
