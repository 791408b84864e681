import Foundation
import Glibc
import SwiftVirt
import Testing
@testable import VirtDriverQEMU

/// A `qemu:///embed` root of the test's own, with its connection: every domain still
/// running at the end is destroyed and the root removed, even when the test fails.
struct EmbeddedQEMU {
    let root: String
    let uri: String

    init() throws {
        root = try RealQEMU.scratchDirectory()
        uri = "qemu:///embed?root=\(root)"
    }

    /// Runs `body` on a connection to the root, then cleans up.
    static func with(_ body: (EmbeddedQEMU, Connection) async throws -> Void) async throws {
        let embedded = try EmbeddedQEMU()
        let conn = try await Connection.open(embedded.uri)
        do {
            try await body(embedded, conn)
        } catch {
            await embedded.cleanUp(conn)
            throw error
        }
        await embedded.cleanUp(conn)
    }

    func cleanUp(_ conn: Connection) async {
        for domain in (try? await conn.listAllDomains(flags: .active)) ?? [] { try? await domain.destroy() }
        await conn.close()
        try? FileManager.default.removeItem(atPath: root)
    }

    /// The XML of the diskless KVM guest, named `name`, with a fresh UUID.
    static func guestXML(_ name: String, _ edit: (inout DomainDefinition) -> Void = { _ in }) throws -> String {
        var definition = try RealQEMU.benchGuest(name: name)
        definition.uuid = .random()
        edit(&definition)
        return definition.format()
    }
}

/// Collects lifecycle events as they come.
final class EventLog: Sendable {
    private let task: Task<[(DomainEventType, DomainEventDetail)], Never>

    init(_ stream: AsyncStream<DomainLifecycleEvent>, count: Int) {
        task = Task {
            var seen: [(DomainEventType, DomainEventDetail)] = []
            for await event in stream {
                seen.append((event.type, event.detail))
                if seen.count == count { break }
            }
            return seen
        }
    }

    /// The events seen, once `count` have come (or within 10 s, as many as came).
    func events() async -> [(DomainEventType, DomainEventDetail)] {
        let task = task
        Task {
            try? await Task.sleep(for: .seconds(10))
            task.cancel()
        }
        return await task.value
    }
}

@Suite("qemu:///embed: real QEMU/KVM machines", .enabled(if: RealQEMU.available, RealQEMU.why), .serialized)
struct QEMUDriverTests {
    @Test("define, start, suspend, resume, monitor commands and destroy, with libvirt's states and events")
    func lifecycle() async throws {
        try await EmbeddedQEMU.with { embedded, conn in
            #expect(try await conn.hypervisorType() == "QEMU")
            #expect(try await conn.hypervisorVersion() >= 7_000_000)
            let events = EventLog(try await conn.lifecycleEvents(), count: 6)
            let defined = try await conn.defineDomain(xml: try EmbeddedQEMU.guestXML("life"))
            #expect(try await defined.state().state == .shutoff)
            // libvirt's defaults are filled in: the emulator is there, and a virtio balloon.
            let inactive = try await defined.definition()
            #expect(inactive.devices.memballoon?.model == "none")
            #expect(inactive.devices.emulator == RealQEMU.emulator)

            let running = try await defined.create()
            #expect(running.identity.id >= 1)
            #expect(try await running.state() == (.running, .runningBooted))
            #expect(try await conn.lookupDomain(id: running.identity.id).identity.name == "life")
            let live = try await running.definition()
            let pty = try #require(live.devices.serials.first?.sourcePath)
            #expect(pty.hasPrefix("/dev/pts/"))
            #expect(try await running.xmlDescription().contains("<domain type='kvm' id='\(running.identity.id)'>"))
            #expect(try await running.info().cpuTime > 0)

            try await running.suspend()
            #expect(try await running.state() == (.paused, .pausedUser))
            try await running.suspend()  // already paused: nothing happens, as in libvirt
            let status = try await running.qemuMonitorCommand(#"{"execute":"query-status"}"#)
            #expect(status.hasPrefix(#"{"return":{"status":"paused""#), "compact, as libvirt re-serializes it: \(status)")
            try await running.resume()
            #expect(try await running.state() == (.running, .runningUnpaused))
            let hmp = try await running.qemuMonitorCommand("info status", flags: .hmp)
            #expect(hmp.contains("VM status: running"), "\(hmp)")
            let failing = try await running.qemuMonitorCommand(#"{"execute":"no-such-command"}"#)
            #expect(failing.contains(#""class":"CommandNotFound""#), "\(failing)")

            try await running.destroy()
            #expect(try await defined.state() == (.shutoff, .shutoffDestroyed))
            #expect(try await defined.isActive() == false)
            #expect(access(embedded.root + "/run/life.monitor", F_OK) != 0)
            #expect(access(embedded.root + "/run/life.json", F_OK) != 0)
            try await defined.undefine()
            let seen = await events.events()
            #expect(seen.map(\.0) == [.defined, .started, .suspended, .resumed, .stopped, .undefined])
            #expect(seen.map(\.1) == [.definedAdded, .startedBooted, .suspendedPaused, .resumedUnpaused, .stoppedDestroyed, .undefinedRemoved])
        }
    }

    @Test("bad input gets libvirt's errors and changes nothing")
    func refusals() async throws {
        try await EmbeddedQEMU.with { embedded, conn in
            let noEmulator = await #expect(throws: VirError.self) {
                try await conn.defineDomain(xml: try EmbeddedQEMU.guestXML("bad") { $0.devices.emulator = "/no/such/qemu" })
            }
            #expect(noEmulator?.code == .invalidArg, "\(noEmulator?.message ?? "")")
            let notQEMU = await #expect(throws: VirError.self) {
                try await conn.defineDomain(xml: try EmbeddedQEMU.guestXML("bad") { $0.type = "lxc" })
            }
            #expect(notQEMU?.code == .configUnsupported)
            let badMachine = await #expect(throws: VirError.self) {
                try await conn.defineDomain(xml: try EmbeddedQEMU.guestXML("bad") { $0.os.machine = "isapc-9000" })
            }
            #expect(badMachine?.code == .configUnsupported)
            #expect(try await conn.listAllDomains().isEmpty)

            // A disk QEMU cannot open: the start fails with QEMU's words, and a transient
            // domain leaves nothing behind.
            let missingDisk = try EmbeddedQEMU.guestXML("disk") { definition in
                var disk = DiskDevice(target: "vda")
                disk.source = embedded.root + "/missing.qcow2"
                disk.driverType = "qcow2"
                disk.bus = "virtio"
                definition.devices.disks = [disk]
            }
            let failed = await #expect(throws: VirError.self) { try await conn.createDomain(xml: missingDisk) }
            #expect(failed?.message.contains("missing.qcow2") == true, "\(failed?.message ?? "")")
            #expect(try await conn.listAllDomains().isEmpty)
            let defined = try await conn.defineDomain(xml: missingDisk)
            await #expect(throws: VirError.self) { try await defined.create() }
            #expect(try await defined.state() == (.shutoff, .shutoffShutdown))

            let guest = try await conn.createDomain(xml: try EmbeddedQEMU.guestXML("twice"))
            let again = await #expect(throws: VirError.self) { try await conn.createDomain(xml: try await guest.xmlDescription()) }
            #expect(again?.code == .operationInvalid)
            let badJSON = await #expect(throws: VirError.self) { try await guest.qemuMonitorCommand("{not json") }
            #expect(badJSON?.code == .internalError)
            let withID = await #expect(throws: VirError.self) { try await guest.qemuMonitorCommand(#"{"execute":"query-status","id":"x"}"#) }
            #expect(withID?.code == .internalError)
            let agent = await #expect(throws: VirError.self) { try await guest.shutdown(flags: .guestAgent) }
            #expect(agent?.code == .argumentUnsupported)
            try await guest.destroy()
            let notRunning = await #expect(throws: VirError.self) { try await defined.destroy() }
            #expect(notRunning?.code == .operationInvalid)
            await #expect(throws: VirError.self) { try await defined.qemuMonitorCommand(#"{"execute":"query-status"}"#) }
            await #expect(throws: VirError.self) { try await defined.suspend() }
        }
    }

    @Test("a QEMU that dies is reported as failed, its files removed; a transient domain is gone")
    func crash() async throws {
        try await EmbeddedQEMU.with { embedded, conn in
            let events = EventLog(try await conn.lifecycleEvents(), count: 2)
            let guest = try await conn.createDomain(xml: try EmbeddedQEMU.guestXML("crash"))
            let status = try JSONDecoder().decode(QEMURunStatus.self, from: Data(contentsOf: URL(fileURLWithPath: embedded.root + "/run/crash.json")))
            // The test's own child, started through the driver above.
            #expect(kill(status.pid, SIGKILL) == 0)
            let seen = await events.events()
            #expect(seen.map(\.0) == [.started, .stopped])
            #expect(seen.last?.1 == .stoppedFailed)
            let gone = await #expect(throws: VirError.self) { try await guest.state() }
            #expect(gone?.code == .noDomain)
            #expect(access(embedded.root + "/run/crash.monitor", F_OK) != 0)
        }
    }

    @Test("QEMUs outlive the driver: the next one adopts them, with their ids, and can stop them")
    func adoption() async throws {
        let embedded = try EmbeddedQEMU()
        let first = try await Connection.open(embedded.uri)
        let persistent = try await first.defineDomain(xml: try EmbeddedQEMU.guestXML("kept"))
        let started = try await persistent.create()
        let transient = try await first.createDomain(xml: try EmbeddedQEMU.guestXML("passing"))
        try await transient.suspend()
        await first.close()

        let second = try await Connection.open(embedded.uri)
        do {
            let kept = try await second.lookupDomain(name: "kept")
            #expect(kept.identity.id == started.identity.id)
            #expect(try await kept.state().state == .running)
            #expect(try await kept.isPersistent())
            let passing = try await second.lookupDomain(name: "passing")
            #expect(try await passing.state().state == .paused)
            #expect(try await passing.isPersistent() == false)
            let next = try await second.createDomain(xml: try EmbeddedQEMU.guestXML("next"))
            #expect(next.identity.id > max(kept.identity.id, passing.identity.id))
            #expect(try await kept.qemuMonitorCommand(#"{"execute":"query-name"}"#).contains(#""name":"kept""#))
            try await passing.destroy()
            await #expect(throws: VirError.self) { try await passing.state() }
        } catch {
            await embedded.cleanUp(second)
            throw error
        }
        await embedded.cleanUp(second)
    }
}
