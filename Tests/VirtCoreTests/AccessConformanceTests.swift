import Testing
import SwiftVirt

@Suite("Conformance: read-only connections and flag checks")
struct AccessConformanceTests {
    /// Every mutating call of the API, each expected to be refused on a read-only connection.
    static let mutations: [(String, @Sendable (Connection, Domain) async throws -> Void)] = [
        ("defineDomain", { c, _ in _ = try await c.defineDomain(xml: demoXML("ro")) }),
        ("createDomain", { c, _ in _ = try await c.createDomain(xml: demoXML("ro")) }),
        ("restoreDomain", { c, _ in try await c.restoreDomain(from: "/tmp/none") }),
        ("create", { _, d in try await d.create() }),
        ("destroy", { _, d in try await d.destroy() }),
        ("suspend", { _, d in try await d.suspend() }),
        ("resume", { _, d in try await d.resume() }),
        ("shutdown", { _, d in try await d.shutdown() }),
        ("reboot", { _, d in try await d.reboot() }),
        ("reset", { _, d in try await d.reset() }),
        ("undefine", { _, d in try await d.undefine() }),
        ("save", { _, d in try await d.save(to: "/tmp/none") }),
        ("coreDump", { _, d in try await d.coreDump(to: "/tmp/none") }),
        ("setMaxMemory", { _, d in try await d.setMaxMemory(kib: 1024) }),
        ("setMemory", { _, d in try await d.setMemory(kib: 1024) }),
        ("setVcpus", { _, d in try await d.setVcpus(1) }),
        ("pinVcpu", { _, d in try await d.pinVcpu(0, cpumap: CPUMap(bytes: [1])) }),
        ("setAutostart", { _, d in try await d.setAutostart(true) }),
        ("createSnapshot", { _, d in try await d.createSnapshot(xml: "<domainsnapshot/>") }),
        ("revert", { _, d in try await DomainSnapshot(domain: d, name: "x").revert() }),
        ("deleteSnapshot", { _, d in try await DomainSnapshot(domain: d, name: "x").delete() }),
        ("secure XML", { _, d in _ = try await d.xmlDescription(flags: .secure) }),
    ]

    @Test(arguments: ConformanceTarget.all)
    func readOnlyRefusesEveryMutation(target: ConformanceTarget) async throws {
        try await target.withConnection(readOnly: true) { conn in
            let domain = try await conn.lookupDomain(name: "test")
            for (name, call) in Self.mutations {
                let error = await expectVirError(.operationDenied) { try await call(conn, domain) }
                #expect(error != nil, "\(name) was not refused")
            }
            // Queries still work, and nothing changed.
            #expect(try await domain.state().state == .running)
            #expect(try await conn.listAllDomains().count == 1)
            #expect(try await domain.xmlDescription().contains("<name>test</name>"))
        }
    }

    @Test(arguments: ConformanceTarget.all)
    func unknownFlagBitsAreInvalidArguments(target: ConformanceTarget) async throws {
        try await target.withConnection { conn in
            let domain = try await conn.lookupDomain(name: "test")
            let high: UInt32 = 1 << 30
            await expectVirError(.invalidArg) { try await domain.reboot(flags: RebootFlags(rawValue: high)) }
            await expectVirError(.invalidArg) { try await domain.destroy(flags: DestroyFlags(rawValue: high)) }
            await expectVirError(.invalidArg) { try await domain.shutdown(flags: ShutdownFlags(rawValue: high)) }
            await expectVirError(.invalidArg) { try await domain.undefine(flags: UndefineFlags(rawValue: high)) }
            await expectVirError(.invalidArg) { try await domain.setMemory(kib: 1024, flags: MemoryFlags(rawValue: high)) }
            await expectVirError(.invalidArg) { try await domain.setVcpus(1, flags: VcpuFlags(rawValue: high)) }
            await expectVirError(.invalidArg) { try await domain.createSnapshot(xml: "<domainsnapshot/>", flags: SnapshotCreateFlags(rawValue: high)) }
            await expectVirError(.invalidArg) { _ = try await domain.snapshotNames(flags: SnapshotListFlags(rawValue: high)) }
            await expectVirError(.invalidArg) { _ = try await conn.defineDomain(xml: target.demoXML("f"), flags: DefineFlags(rawValue: high)) }
            // Bits libvirt defines but this driver does not support are refused the same way.
            if target.features.contains(.refusesNvramFlag) { await expectVirError(.invalidArg) { try await domain.undefine(flags: .nvram) } }
            #expect(try await domain.state().state == .running)
        }
    }
}
