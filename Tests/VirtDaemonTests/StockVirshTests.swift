import Foundation
import TestSupport
import Testing
import VirtError
import VirtRPC
import XDR

/// Stock virsh (Debian's libvirt-clients 9.0) against virtd, compared with the same virsh
/// against its own built-in test driver.
@Suite("stock virsh against virtd", .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/virsh"),
                                             "virsh (Debian libvirt-clients) is not installed"), .serialized)
struct StockVirshTests {
    static let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../DifferentialTests/Fixtures/demo.xml").standardized.path

    @Test(arguments: [
        "list --all; dominfo test; domstate test --reason; dumpxml test",
        "version; nodeinfo; hostname; capabilities; sysinfo; nodecpumap",
        "define \(demo); list --all; start demo; suspend demo; domstate demo --reason; resume demo; shutdown demo; list --all; undefine demo; list --all",
        "dominfo nosuch; start test; suspend nosuch; destroy test; destroy test; list --all",
        "setmem test 1048576; setvcpus test 1; vcpuinfo test; vcpupin test; vcpupin test 0 1; vcpupin test; vcpucount test; "
            + "setmaxmem test 4000000 --config; setmem test 0; setmem nosuch 100; setvcpus test 99; vcpupin test 5 0; dominfo test",
        "snapshot-create-as test s1; snapshot-create-as test s2; snapshot-list test; snapshot-list test --tree; snapshot-current test --name; "
            + "snapshot-parent test s2; snapshot-info test s2; snapshot-revert test s1; snapshot-current test --name; snapshot-delete test s1; "
            + "snapshot-list test --name; snapshot-revert test nosuch; snapshot-delete test nosuch; destroy test; undefine test; "
            + "undefine test --snapshots-metadata; list --all",
        "define \(Self.demo); start demo --paused; domstate demo --reason; setvcpus demo 1 --config; vcpucount demo; "
            + "setmem demo 100000 --config; destroy demo; reboot test; reset test; autostart test; dominfo test; list --all --autostart; domid test; domuuid test",
        "qemu-monitor-command test '{\"execute\":\"query-status\"}'; qemu-monitor-command test --hmp 'info status'; "
            + "qemu-agent-command test '{\"execute\":\"guest-ping\"}'; qemu-agent-command test --timeout 5 '{\"execute\":\"guest-ping\"}'",
    ])
    func aScriptPrintsWhatVirshPrintsAgainstLibvirtsTestDriver(_ script: String) async throws {
        try await expectSameOutput(script)
    }

    @Test func aReadOnlyConnectionIsRefusedEveryChangeWithLibvirtsMessages() async throws {
        try await expectSameOutput("setmem test 1000; setvcpus test 1; vcpupin test 0 1; restore SAVEFILE; "
            + "snapshot-create-as test a; destroy test; suspend test; define \(Self.demo); undefine test; autostart test; reboot test; "
            + "dominfo test; vcpuinfo test; snapshot-list test; qemu-monitor-command test '{}'", options: ["-r"])
    }

    /// Runs `script` through virtd and against virsh's own test driver, and compares what
    /// virsh prints. SAVEFILE becomes a scratch path of each run's own.
    private func expectSameOutput(_ script: String, options: [String] = []) async throws {
        let fixture = try await DaemonFixture.start()
        let saved = fixture.directory + "/saved"
        let viaDaemon = try await DaemonFixture.virsh(options + ["-c", "test+unix:///default?socket=\(fixture.socket)",
                                                                 script.replacingOccurrences(of: "SAVEFILE", with: saved)])
        try? FileManager.default.removeItem(atPath: saved)
        let reference = try await DaemonFixture.virsh(options + ["-c", "test:///default", script.replacingOccurrences(of: "SAVEFILE", with: saved)])
        #expect(viaDaemon.status == reference.status)
        #expect(Self.normalised(viaDaemon.output) == Self.normalised(reference.output))
    }

    /// The output without what the test driver derives from the clock: dominfo's CPU time
    /// and snapshots' creation times.
    static func normalised(_ output: String) -> String {
        output.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("CPU time:") }
            .map { $0.replacing(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}/, with: "TIME") }
            .joined(separator: "\n")
    }

    @Test func theReadOnlySocketRefusesEveryChangeEvenToAClientThatDidNotAskForReadOnly() async throws {
        let fixture = try await DaemonFixture.start()
        let uri = "test+unix:///default?socket=\(fixture.readOnlySocket)"
        let refused = try await DaemonFixture.virsh(["-c", uri, "destroy test"])
        #expect(refused.status == 1)
        #expect(refused.output.contains("operation forbidden: read only access prevents virDomainDestroy"), "\(refused.output)")
        let listed = try await DaemonFixture.virsh(["-c", uri, "list"])
        #expect(listed.status == 0 && listed.output.contains(" 1    test   running"), "\(listed.output)")
    }
}
