import Foundation
import SwiftVirt
import Testing

/// What the guest itself does, and what the definition says to do then: the boot-sector
/// guest (``BootSectorGuest``) powers off, resets and panics under KVM.
@Suite("qemu:///embed: guest shutdown, reboot and crash follow on_poweroff, on_reboot and on_crash",
       .enabled(if: RealQEMU.available, RealQEMU.why), .serialized)
struct GuestLifecycleTests {
    /// Starts the guest named `name` (persistent), waits until it polls, and runs `body`.
    func withGuest(_ name: String, _ edit: @escaping (inout DomainDefinition) -> Void = { _ in },
                   _ body: (Connection, Domain, GuestSerial, EventLog) async throws -> Void) async throws {
        try await EmbeddedQEMU.with { embedded, conn in
            let guest = try BootSectorGuest(in: embedded.root, name: name)
            let events = EventLog(try await conn.lifecycleEvents(), count: 4)
            let domain = try await conn.defineDomain(xml: try guest.xml(name, edit)).create()
            let serial = try guest.serial()
            try serial.waitUntilReady()
            try await body(conn, domain, serial, events)
        }
    }

    @Test("shutdown presses the power button; the guest powers off and on_poweroff destroy stops it")
    func shutdownByPowerButton() async throws {
        try await withGuest("off") { conn, domain, _, events in
            try await domain.shutdown()
            #expect(await eventually { try await domain.state() == (.shutoff, .shutoffShutdown) })
            let seen = await events.events()
            #expect(seen.map(\.0) == [.defined, .started, .shutdown, .stopped])
            #expect(seen.last?.1 == .stoppedShutdown)
            let stopped = await #expect(throws: VirError.self) { try await domain.shutdown() }
            #expect(stopped?.code == .operationInvalid)
        }
    }

    @Test("a guest that powers off by itself, with on_poweroff restart, is reset and runs on")
    func powerOffRestarts() async throws {
        try await withGuest("again", { $0.onPoweroff = .restart }) { _, domain, serial, _ in
            let id = domain.identity.id
            serial.send("1")
            try serial.waitUntilReady()  // it boots again
            #expect(await eventually { try await domain.state() == (.running, .runningBooted) })
            #expect(try await domain.isActive())
            #expect(try await domain.connection.lookupDomain(name: "again").identity.id == id)
        }
    }

    @Test("reboot is a shutdown that resets the guest instead (libvirt's fake reboot)")
    func rebootByPowerButton() async throws {
        try await withGuest("reboot") { _, domain, serial, _ in
            try await domain.reboot()
            try serial.waitUntilReady()
            #expect(await eventually { try await domain.state() == (.running, .runningBooted) })
        }
    }

    @Test("a guest that resets under on_reboot destroy (-no-reboot) stops, shut down")
    func resetWithOnRebootDestroy() async throws {
        try await withGuest("noreboot", { $0.onReboot = .destroy }) { _, domain, serial, events in
            serial.send("2")
            #expect(await eventually { try await domain.state() == (.shutoff, .shutoffShutdown) })
            #expect(await events.events().map(\.0) == [.defined, .started, .shutdown, .stopped])
        }
    }

    @Test("a panic is reported as crashed, then on_crash destroy stops the domain, crashed")
    func panicDestroys() async throws {
        try await withGuest("panic") { _, domain, serial, events in
            serial.send("3")
            #expect(await eventually { try await domain.state() == (.shutoff, .shutoffCrashed) })
            let seen = await events.events()
            #expect(seen.map(\.0) == [.defined, .started, .crashed, .stopped])
            #expect(seen.map(\.1).suffix(2) == [.crashedPanicked, .stoppedCrashed])
        }
    }

    @Test("with on_crash preserve, the panicked guest stays, crashed, until destroyed")
    func panicPreserves() async throws {
        try await withGuest("kept", { $0.onCrash = .preserve }) { _, domain, serial, _ in
            serial.send("3")
            #expect(await eventually { try await domain.state() == (.crashed, .crashedPanicked) })
            try await Task.sleep(for: .milliseconds(200))
            #expect(try await domain.state() == (.crashed, .crashedPanicked))
            try await domain.destroy()
            #expect(try await domain.state() == (.shutoff, .shutoffDestroyed))
        }
    }
}

/// Polls `condition` for up to 10 s.
func eventually(_ condition: () async throws -> Bool) async -> Bool {
    for _ in 0..<500 {
        if (try? await condition()) == true { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return false
}
