import Foundation
import SwiftVirt
import Testing

/// The Linux guest scripts/install-test-deps builds from Debian's packages
/// (scripts/guest/build_linux_guest.py): Debian's kernel, booted through its PVH entry
/// under TCG (KVM here cannot boot Linux), with qemu-guest-agent and a power-button handler.
enum LinuxGuest {
    static let directory = "/var/cache/swiftvirt/linux-guest"
    static let available = RealQEMU.available && FileManager.default.fileExists(atPath: directory + "/vmlinux")
        && FileManager.default.fileExists(atPath: directory + "/initramfs.gz")
    static let why: Comment = "needs QEMU, /dev/kvm and the Linux guest of scripts/install-test-deps (run it as root)"

    /// Its definition: TCG, 256 MiB, direct kernel boot, the agent's channel (socket chosen
    /// by the driver), a virtio balloon, and `disk` if given.
    static func xml(_ name: String, disk: String? = nil) throws -> String {
        let diskXML = disk.map {
            "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='\($0)'/><target dev='vda' bus='virtio'/></disk>"
        } ?? ""
        return """
            <domain type='qemu'><name>\(name)</name><uuid>\(UUID().uuidString.lowercased())</uuid><memory unit='KiB'>262144</memory><vcpu>1</vcpu>
              <os><type arch='x86_64' machine='pc'>hvm</type><kernel>\(directory)/vmlinux</kernel><initrd>\(directory)/initramfs.gz</initrd>
                <cmdline>console=ttyS0 quiet</cmdline></os>
              <devices><emulator>/usr/bin/qemu-system-x86_64</emulator>\(diskXML)<serial type='pty'><target port='0'/></serial>
                <channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel><memballoon model='virtio'/></devices>
            </domain>
            """
    }

    /// Waits (up to 60 s: TCG is slow on a loaded host) until the agent answers a ping.
    static func waitForAgent(_ domain: Domain) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(60)
        while clock.now < deadline {
            if (try? await domain.qemuAgentCommand(#"{"execute":"guest-ping"}"#, timeout: 2)) != nil { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw VirError(.agentUnresponsive, "the guest agent did not answer within 60 s")
    }
}

@Suite("qemu:///embed: a Linux guest (Debian's kernel under TCG) with its agent", .enabled(if: LinuxGuest.available, LinuxGuest.why), .serialized)
struct LinuxGuestTests {
    @Test("the agent answers; the balloon takes memory back; a snapshot, a save and a restore keep the guest alive; the power button shuts it down")
    func linuxGuest() async throws {
        try await EmbeddedQEMU.with { embedded, conn in
            let image = embedded.root + "/disk.qcow2"
            try DiskImages.make(image, pattern: 0xaa)
            let domain = try await conn.defineDomain(xml: try LinuxGuest.xml("linux", disk: image))
            _ = try await domain.create()
            try await LinuxGuest.waitForAgent(domain)

            let info = try #require(try await domain.qemuAgentCommand(#"{"execute":"guest-info"}"#, timeout: 10))
            #expect(info.contains(#""version""#) && info.contains("guest-ping"), "\(info)")
            #expect(try await domain.qemuAgentCommand(#"{"execute":"guest-ping"}"#, timeout: QemuAgentTimeout.block) != nil)
            #expect(try await domain.qemuAgentCommand(#"{"execute":"guest-ping"}"#, timeout: QemuAgentTimeout.noWait) == nil)
            let unknown = await #expect(throws: VirError.self) { try await domain.qemuAgentCommand(#"{"execute":"guest-no-such"}"#, timeout: 10) }
            #expect(unknown?.code == .internalError, "\(unknown?.message ?? "")")

            // The guest's balloon driver gives memory back to the host.
            try await domain.setMemory(kib: 196608, flags: .live)
            #expect(await eventually {
                try await domain.qemuMonitorCommand(#"{"execute":"query-balloon"}"#).contains(#""actual": \#(196608 * 1024)"#)
            })

            // An internal snapshot with its memory, and a revert to it: the guest lives on.
            let snapshot = try await domain.createSnapshot(xml: "<domainsnapshot><name>live</name></domainsnapshot>")
            try await snapshot.revert()
            try await LinuxGuest.waitForAgent(domain)

            let file = embedded.root + "/linux.save"
            try await domain.save(to: file)
            try await conn.restoreDomain(from: file)
            #expect(try await domain.state() == (.running, .runningRestored))
            try await LinuxGuest.waitForAgent(domain)

            try await domain.shutdown()
            #expect(await eventually { try await domain.state() == (.shutoff, .shutoffShutdown) })
        }
    }
}
