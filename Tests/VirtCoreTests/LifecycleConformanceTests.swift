import Foundation
import Testing
import SwiftVirt

@Suite("Conformance: domain lifecycle")
struct LifecycleConformanceTests {
    @Test(arguments: ConformanceTarget.all)
    func defineStartSuspendResumeDestroyUndefine(target: ConformanceTarget) async throws {
        try await target.withConnection { conn in
            let defined = try await conn.defineDomain(xml: target.demoXML("life"))
            #expect(defined.id == -1)
            #expect(try await defined.state().state == .shutoff)
            #expect(try await defined.isPersistent())
            #expect(try await !defined.isActive())

            let started = try await defined.create()
            #expect(started.id > 1)
            let (state, reason) = try await started.state()
            #expect(state == .running && reason == .runningBooted)
            await expectVirError(.operationInvalid, target.wrongStateCodes) { try await started.create() }

            try await started.suspend()
            #expect(try await started.state() == (.paused, .pausedUser))
            if target.features.contains(.refusesRepeatedPauseAndResume) {
                await expectVirError(.operationInvalid, target.wrongStateCodes) { try await started.suspend() }
            } else {
                try await started.suspend()
            }
            try await started.resume()
            #expect(try await started.state() == (.running, .runningUnpaused))
            if target.features.contains(.refusesRepeatedPauseAndResume) {
                await expectVirError(.operationInvalid, target.wrongStateCodes) { try await started.resume() }
            } else {
                try await started.resume()
                #expect(try await started.state() == (.running, .runningUnpaused))
            }

            if target.features.contains(.reset) {
                try await started.reset()
                #expect(try await started.state().state == .running)
            } else {
                await expectVirError(.noSupport) { try await started.reset() }
            }
            let info = try await started.info()
            #expect(info.state == .running && info.maxMemory == 65536 && info.virtualCPUs == 2)
            #expect(target.reportsBalloon ? info.memory == 65536 : info.memory <= 65536)

            try await started.destroy()
            #expect(try await started.state() == (.shutoff, .shutoffDestroyed))
            await expectVirError(.operationInvalid) { try await started.destroy() }
            await expectVirError(.operationInvalid, target.wrongStateCodes) { try await started.suspend() }
            await expectVirError(.operationInvalid, target.wrongStateCodes) { try await started.shutdown() }
            await expectVirError(.operationInvalid) { try await started.reboot() }
            await expectVirError(.operationInvalid, [.operationInvalid, .noSupport]) { try await started.reset() }

            try await started.undefine()
            await expectVirError(.noDomain) { _ = try await conn.lookupDomain(name: "life") }
            await expectVirError(.noDomain) { _ = try await started.info() }
        }
    }

    @Test(arguments: ConformanceTarget.all)
    func transientDomainsVanishWhenStopped(target: ConformanceTarget) async throws {
        try await target.withConnection { conn in
            let uuid = "22222222-2222-3333-4444-555555555555"
            let transient = try await conn.createLinux(xml: target.demoXML("ephemeral", uuid: uuid))
            #expect(try await !transient.isPersistent())
            #expect(try await transient.state().state == .running)
            await expectVirError(.operationInvalid) { _ = try await conn.createDomain(xml: target.demoXML("ephemeral", uuid: uuid)) }
            await expectVirError(.operationFailed) { _ = try await conn.createDomain(xml: target.demoXML("ephemeral")) }
            try await transient.destroy()
            await expectVirError(.noDomain) { _ = try await conn.lookupDomain(name: "ephemeral") }
        }
    }

    @Test(arguments: ConformanceTarget.all)
    func undefineRunningDomainMakesItTransient(target: ConformanceTarget) async throws {
        try await target.withConnection { conn in
            let domain = try await conn.lookupDomain(name: "test")
            try await domain.undefine()
            #expect(try await !domain.isPersistent())
            #expect(try await domain.isActive())
            try await domain.destroy()
            await expectVirError(.noDomain) { _ = try await conn.lookupDomain(name: "test") }
        }
    }

    @Test(arguments: ConformanceTarget.all)
    func redefineRules(target: ConformanceTarget) async throws {
        try await target.withConnection { conn in
            let uuid = "11111111-2222-3333-4444-555555555555"
            let first = try await conn.defineDomain(xml: target.demoXML("dup", uuid: uuid))
            // Same name and UUID: an update.
            let updated = try await conn.defineDomain(xml: target.demoXML("dup", uuid: uuid, memoryKiB: 131072))
            #expect(updated == first)
            #expect(try await updated.maxMemory() == 131072)
            // Same name, other UUID; same UUID, other name.
            await expectVirError(.operationFailed) { _ = try await conn.defineDomain(xml: target.demoXML("dup", uuid: "11111111-2222-3333-4444-000000000000")) }
            await expectVirError(.operationFailed) { _ = try await conn.defineDomain(xml: target.demoXML("other", uuid: uuid)) }
            #expect(try await conn.listDefinedDomainNames() == ["dup"])
            // Define while running: the new config waits until the domain stops.
            let running = try await first.create()
            _ = try await conn.defineDomain(xml: target.demoXML("dup", uuid: uuid, memoryKiB: 262144))
            #expect(try await running.maxMemory() == 131072)
            #expect(try await running.xmlDescription(flags: .inactive).contains("262144"))
            try await running.destroy()
            #expect(try await running.maxMemory() == 262144)
        }
    }

    @Test(arguments: ConformanceTarget.all)
    func badDefinitionsChangeNothing(target: ConformanceTarget) async throws {
        try await target.withConnection { conn in
            let before = try await conn.listAllDomains().map(\.name)
            for bad in ["<domain", "<domain type='test'><name>a/b</name><memory>1</memory><os><type>hvm</type></os></domain>",
                        "<domain type='test'><memory>1</memory><os><type>hvm</type></os></domain>",
                        "<domain type='test'><name>x</name><memory unit='parsecs'>1</memory><os><type>hvm</type></os></domain>",
                        "<domain type='test'><name>x</name><uuid>nope</uuid><memory>1</memory><os><type>hvm</type></os></domain>",
                        "<!DOCTYPE d [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><domain type='test'><name>&e;</name></domain>",
                        "<notadomain/>", ""]
                + (target.features.contains(.refusesHiddenNames) ? ["<domain type='test'><name>.hidden</name><memory>1</memory><os><type>hvm</type></os></domain>"] : []) {
                do {
                    _ = try await conn.defineDomain(xml: bad)
                    Issue.record("accepted bad definition: \(bad)")
                } catch {
                    #expect(!(error as? VirError)!.message.isEmpty)
                }
                await expectVirError(.xmlError, [.xmlError, .xmlDetail, .noName, .invalidArg, .configUnsupported, .internalError]) {
                    _ = try await conn.createDomain(xml: bad)
                }
            }
            #expect(try await conn.listAllDomains().map(\.name) == before)
        }
    }

    @Test(arguments: ConformanceTarget.having(.guestPowerControl))
    func shutdownAndRebootFollowPolicies(target: ConformanceTarget) async throws {
        try await target.withConnection { conn in
            func settles(_ domain: Domain, at expected: (DomainState, DomainStateReason)) async throws -> Bool {
                try await target.eventually { try await domain.state() == expected }
            }
            let plain = try await conn.defineDomain(xml: target.demoXML("policy-default")).create()
            try await target.waitUntilBooted(plain)
            try await plain.reboot()
            #expect(try await plain.state().state == .running)
            if target.keepsIDOnReboot { #expect(try await conn.lookupDomain(name: "policy-default").id == plain.id) }
            try await target.waitUntilBooted(conn.lookupDomain(name: "policy-default"))
            try await plain.shutdown()
            #expect(try await settles(plain, at: (.shutoff, .shutoffShutdown)))

            let restarting = try await conn.defineDomain(xml: target.demoXML("policy-restart", onPoweroff: "restart")).create()
            try await target.waitUntilBooted(restarting)
            try await restarting.shutdown()
            #expect(try await settles(restarting, at: (.running, .runningBooted)))

            let stopping = try await conn.defineDomain(xml: target.demoXML("policy-destroy", onReboot: "destroy")).create()
            try await target.waitUntilBooted(stopping)
            try await stopping.reboot()
            #expect(try await settles(stopping, at: (.shutoff, .shutoffShutdown)))

            let preserving = try await conn.defineDomain(xml: target.demoXML("policy-preserve", onReboot: "preserve")).create()
            try await target.waitUntilBooted(preserving)
            try await preserving.reboot()
            #expect(try await target.eventually { try await preserving.state().state == .shutoff })
        }
    }

    @Test(arguments: ConformanceTarget.having(.crashPolicy))
    func crashFollowsOnCrashPolicy(target: ConformanceTarget) async throws {
        try await target.withConnection { conn in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftvirt-dump-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let dump = directory.appendingPathComponent("core").path
            func domain(_ name: String, onCrash: String) async throws -> Domain {
                let xml = target.demoXML(name).replacingOccurrences(of: "<devices>", with: "<on_crash>\(onCrash)</on_crash><devices>")
                return try await conn.defineDomain(xml: xml).create()
            }
            let plain = try await domain("crash-destroy", onCrash: "destroy")
            try await plain.coreDump(to: dump)
            #expect(FileManager.default.fileExists(atPath: dump))
            #expect(try await plain.state().state == .running)
            try await plain.coreDump(to: dump, flags: .crash)
            #expect(try await plain.state() == (.shutoff, .shutoffCrashed))
            await expectVirError(.operationInvalid) { try await plain.coreDump(to: dump) }

            let kept = try await domain("crash-preserve", onCrash: "preserve")
            try await kept.coreDump(to: dump, flags: .crash)
            #expect(try await kept.state() == (.crashed, .crashedPanicked))
            #expect(try await kept.isActive())
            try await kept.destroy()

            let restarted = try await domain("crash-restart", onCrash: "restart")
            try await restarted.coreDump(to: dump, flags: .crash)
            #expect(try await restarted.state() == (.running, .runningCrashed))

            await expectVirError(.invalidArg) { try await restarted.coreDump(to: dump, flags: [.crash, .live]) }
            await expectVirError(.invalidArg) { try await restarted.coreDump(to: dump, flags: [.crash, .reset]) }
            await expectVirError(.invalidArg) { try await restarted.coreDump(to: "") }
            await expectVirError(.invalidArg) { try await restarted.coreDump(to: dump, flags: .memoryOnly) }
            await expectVirError(.systemError) { try await restarted.coreDump(to: "/nonexistent-dir/core") }
        }
    }

    @Test(arguments: ConformanceTarget.having(.saveRestore))
    func saveAndRestoreThroughAFile(target: ConformanceTarget) async throws {
        try await target.withConnection { conn in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftvirt-save-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let path = directory.appendingPathComponent("test.save").path
            let domain = try await conn.lookupDomain(name: "test")
            try await domain.save(to: path)
            #expect(try await domain.state() == (.shutoff, .shutoffSaved))
            #expect(FileManager.default.fileExists(atPath: path))
            await expectVirError(.operationInvalid) { try await domain.save(to: path) }
            try await conn.restoreDomain(from: path)
            let restored = try await conn.lookupDomain(name: "test")
            #expect(try await restored.state() == (.running, .runningRestored))
            #expect(restored.id > 1)
            await expectVirError(.operationInvalid) { try await conn.restoreDomain(from: path) }

            let garbage = directory.appendingPathComponent("garbage").path
            try Data("not a save file at all".utf8).write(to: URL(fileURLWithPath: garbage))
            // libvirt's test driver says internal error; its QEMU driver, operation failed.
            await expectVirError(.internalError, [.internalError, .operationFailed]) { try await conn.restoreDomain(from: garbage) }
            await expectVirError(.systemError) { try await conn.restoreDomain(from: directory.appendingPathComponent("missing").path) }
            await expectVirError(.systemError) { try await restored.save(to: "/nonexistent-dir/x.save") }
            #expect(try await restored.state().state == .running)
            await expectVirError(.invalidArg) { try await restored.save(to: "") }
            await expectVirError(.invalidArg) { try await restored.save(to: path, flags: [.running, .paused]) }
        }
    }

    @Test(arguments: ConformanceTarget.all)
    func xmlDescriptionFlags(target: ConformanceTarget) async throws {
        try await target.withConnection { conn in
            let domain = try await conn.lookupDomain(name: "test")
            let live = try await domain.xmlDescription()
            #expect(live.hasPrefix("<domain type='\(target.domainType)' id='\(domain.id)'>"))
            let inactive = try await domain.xmlDescription(flags: .inactive)
            #expect(inactive.hasPrefix("<domain type='\(target.domainType)'>"))
            let definition = try await domain.definition()
            #expect(definition.name == "test" && definition.vcpu.maximum == 2)
            await expectVirError(.invalidArg) { _ = try await domain.xmlDescription(flags: DomainXMLFlags(rawValue: 1 << 9)) }
        }
    }

    @Test(arguments: ConformanceTarget.all)
    func autostart(target: ConformanceTarget) async throws {
        try await target.withConnection { conn in
            let domain = try await conn.lookupDomain(name: "test")
            #expect(try await !domain.autostart())
            try await domain.setAutostart(true)
            #expect(try await domain.autostart())
            try await domain.setAutostart(false)
            #expect(try await !domain.autostart())
        }
    }
}

