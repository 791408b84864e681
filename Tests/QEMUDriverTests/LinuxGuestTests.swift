import Foundation
import SwiftVirt
import TestSupport
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
    /// by the driver), a virtio balloon, and `disk` if given; `vcpus` is `<vcpu>`'s
    /// attributes and content, `devices` more devices' XML.
    static func xml(_ name: String, disk: String? = nil, vcpus: String = "1", devices: String = "") throws -> String {
        let diskXML = disk.map {
            "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='\($0)'/><target dev='vda' bus='virtio'/></disk>"
        } ?? ""
        return """
            <domain type='qemu'><name>\(name)</name><uuid>\(UUID().uuidString.lowercased())</uuid><memory unit='KiB'>262144</memory><vcpu\(vcpus.hasPrefix(" ") ? "" : ">")\(vcpus)</vcpu>
              <os><type arch='x86_64' machine='pc'>hvm</type><kernel>\(directory)/vmlinux</kernel><initrd>\(directory)/initramfs.gz</initrd>
                <cmdline>console=ttyS0 quiet</cmdline></os>
              <devices><emulator>/usr/bin/qemu-system-x86_64</emulator>\(diskXML)<serial type='pty'><target port='0'/></serial>
                <channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel><memballoon model='virtio'/>\(devices)</devices>
            </domain>
            """
    }

    /// Runs `arguments` in the guest through the agent (`guest-exec`), waiting neither for
    /// the command nor for the agent's answer: a command that resets or panics the guest
    /// may end it before the agent answers.
    static func exec(_ domain: Domain, _ arguments: [String]) async throws {
        let args = arguments.dropFirst().map { "\"\($0)\"" }.joined(separator: ",")
        let command = #"{"execute":"guest-exec","arguments":{"path":"\#(arguments[0])","arg":[\#(args)]}}"#
        _ = try await domain.qemuAgentCommand(command, timeout: QemuAgentTimeout.noWait)
    }

    /// Whether the guest's /tmp/marker exists: the test makes it, and a reset of the guest
    /// (whose root is an initramfs) loses it. Nil when the agent does not answer.
    static func hasMarker(_ domain: Domain) async -> Bool? {
        let reply: String?
        do {
            reply = try await domain.qemuAgentCommand(#"{"execute":"guest-file-open","arguments":{"path":"/tmp/marker","mode":"r"}}"#, timeout: 10)
        } catch where error.code == .internalError {
            return false  // the agent's own error: no such file
        } catch {
            return nil
        }
        guard let handle = reply?.split(separator: ":").last?.filter(\.isNumber) else { return nil }
        _ = try? await domain.qemuAgentCommand(#"{"execute":"guest-file-close","arguments":{"handle":\#(handle)}}"#, timeout: 10)
        return true
    }

    /// Waits (up to 60 s) until the guest has been reset: its agent answers, and the marker
    /// is gone. A reboot that starts with the power button leaves the old guest answering
    /// for a while, so an answering agent alone proves nothing.
    static func waitForReset(_ domain: Domain) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(60)
        while clock.now < deadline {
            if await hasMarker(domain) == false { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw VirError(.operationTimeout, "the guest was not reset within 60 s")
    }

    /// Makes the guest's /tmp/marker.
    static func makeMarker(_ domain: Domain) async throws {
        let reply = try #require(try await domain.qemuAgentCommand(#"{"execute":"guest-file-open","arguments":{"path":"/tmp/marker","mode":"w"}}"#, timeout: 10))
        let handle = String(reply.split(separator: ":").last ?? "").filter { $0.isNumber }
        _ = try await domain.qemuAgentCommand(#"{"execute":"guest-file-close","arguments":{"handle":\#(handle)}}"#, timeout: 10)
        #expect(await hasMarker(domain) == true)
    }

    /// The number of vCPUs the guest sees (`guest-get-vcpus`).
    static func guestVcpus(_ domain: Domain) async throws -> Int {
        let reply = try #require(try await domain.qemuAgentCommand(#"{"execute":"guest-get-vcpus"}"#, timeout: 10))
        return reply.components(separatedBy: "logical-id").count - 1
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
            let image = try DiskImages.fresh(in: embedded.root)
            let domain = try await conn.defineDomain(xml: try LinuxGuest.xml("linux", disk: image))
            _ = try await domain.create()
            try await LinuxGuest.waitForAgent(domain)

            let info = try #require(try await domain.qemuAgentCommand(#"{"execute":"guest-info"}"#, timeout: 10))
            #expect(info.contains(#""version""#) && info.contains("guest-ping"), "\(info)")
            #expect(try await domain.qemuAgentCommand(#"{"execute":"guest-ping"}"#, timeout: QemuAgentTimeout.block) != nil)
            #expect(try await domain.qemuAgentCommand(#"{"execute":"guest-ping"}"#, timeout: QemuAgentTimeout.noWait) == nil)
            let unknown = await #expect(throws: VirError.self) { try await domain.qemuAgentCommand(#"{"execute":"guest-no-such"}"#, timeout: 10) }
            #expect(unknown?.code == .internalError, "\(unknown?.message ?? "")")
            let tooNegative = await #expect(throws: VirError.self) { try await domain.qemuAgentCommand(#"{"execute":"guest-ping"}"#, timeout: -3) }
            #expect(tooNegative?.code == .invalidArg)
            let notJSON = await #expect(throws: VirError.self) { try await domain.qemuAgentCommand("guest-ping", timeout: 10) }
            #expect(notJSON?.code == .internalError && notJSON?.message.contains("cannot parse json guest-ping") == true)

            // The guest's balloon driver gives memory back to the host.
            try await domain.setMemory(kib: 196608, flags: .live)
            #expect(await eventually {
                try await domain.qemuMonitorCommand(#"{"execute":"query-balloon"}"#).contains(#""actual":\#(196608 * 1024)"#)
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

    @Test("the NIC sends on its tap; reboot and the guest's own reset run it again; vCPUs plug and unplug; a kernel panic stops it, crashed")
    func linuxGuestLifecycle() async throws {
        let bridge = try TestBridge()
        try await EmbeddedQEMU.with { _, conn in
            let devices = "<interface type='bridge'><source bridge='\(bridge.name)'/><model type='virtio'/></interface><panic model='isa'/>"
            let xml = try LinuxGuest.xml("linux", vcpus: " placement='static' current='1'>2", devices: devices)
            let domain = try await conn.defineDomain(xml: xml.replacingOccurrences(of: "</devices>", with: "</devices><on_crash>destroy</on_crash>"))
            _ = try await domain.create()
            try await LinuxGuest.waitForAgent(domain)

            // The guest's NIC is up: its first frames (IPv6 neighbour discovery) reach the tap.
            let tap = try #require(try await domain.definition().devices.interfaces.first?.targetDev)
            #expect(await eventually { (Int((try? String(contentsOfFile: "/sys/class/net/\(tap)/statistics/rx_packets", encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0) > 0 })

            // virDomainReboot: the power button, then a reset once the guest has powered off.
            try await LinuxGuest.makeMarker(domain)
            try await domain.reboot()
            try await LinuxGuest.waitForReset(domain)
            #expect(try await domain.state() == (.running, .runningBooted))

            // The guest's own reset, under on_reboot restart: it runs on.
            try await LinuxGuest.makeMarker(domain)
            try await LinuxGuest.exec(domain, ["/bin/busybox", "reboot", "-f"])
            try await LinuxGuest.waitForReset(domain)
            #expect(try await domain.state() == (.running, .runningBooted))

            // vCPU hotplug, then unplug, which the guest's ACPI acknowledges.
            try await domain.setVcpus(2, flags: .live)
            #expect(try await domain.vcpus().count == 2)
            #expect(await eventually { (try? await LinuxGuest.guestVcpus(domain)) == 2 })
            try await domain.setVcpus(1, flags: .live)
            #expect(try await domain.vcpus().count == 1)
            #expect(await eventually { (try? await LinuxGuest.guestVcpus(domain)) == 1 })

            // A kernel panic: pvpanic tells QEMU, and on_crash destroy stops the domain.
            try await LinuxGuest.exec(domain, ["/bin/busybox", "sh", "-c", "echo c > /proc/sysrq-trigger"])
            #expect(await eventually { try await domain.state() == (.shutoff, .shutoffCrashed) })
            #expect(!hostHasLink(tap))
        }
    }
}
