import Foundation
import SwiftVirt
import TestSupport
import Testing

/// Whether QEMU/KVM machines can run here and stock virsh is installed to drive them.
private let canRunMachinesWithVirsh = access("/usr/bin/qemu-system-x86_64", X_OK) == 0 && access("/dev/kvm", R_OK | W_OK) == 0
    && access("/usr/bin/qemu-img", X_OK) == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/virsh")

/// QEMU/KVM machines hosted by virtd (`qemu:///system` on the daemon's root) and driven by
/// stock virsh over `qemu+unix`: the QEMU program's monitor pass-through, snapshots, and
/// save with virsh's progress and restore.
@Suite("virtd: QEMU machines through stock virsh", .enabled(if: canRunMachinesWithVirsh, "needs QEMU, /dev/kvm, qemu-img and virsh"), .serialized)
struct DaemonQEMUTests {
    @Test func virshDrivesAMachineThroughVirtd() async throws {
        let fixture = try await DaemonFixture.start()
        let uri = "qemu+unix:///system?socket=\(fixture.socket)"
        let image = fixture.directory + "/disk.qcow2"
        #expect(try runTool(["/usr/bin/qemu-img", "create", "-q", "-f", "qcow2", image, "16M"]).status == 0)
        let file = fixture.directory + "/vm.xml"
        try """
        <domain type='kvm'><name>vm</name><memory unit='KiB'>131072</memory><vcpu>1</vcpu>
          <os><type arch='x86_64' machine='pc'>hvm</type></os>
          <devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='\(image)'/><target dev='vda' bus='virtio'/></disk>
            <serial type='pty'><target port='0'/></serial><memballoon model='none'/></devices></domain>
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let saved = fixture.directory + "/vm.save"
        let run = try await DaemonFixture.virsh(["-c", uri, """
            define \(file); start vm; domstate vm --reason; qemu-monitor-command vm '{"execute":"query-status"}'; \
            qemu-monitor-command vm --hmp 'info status'; snapshot-create-as vm s1; snapshot-list vm --name; snapshot-current vm --name; \
            save vm \(saved) --verbose; domstate vm --reason; restore \(saved); domstate vm --reason; snapshot-revert vm s1; \
            domstate vm --reason; snapshot-delete vm s1; destroy vm; undefine vm
            """])
        #expect(run.status == 0, "\(run.output)")
        for expected in ["Domain 'vm' started", "running (booted)", #""status":"running""#, "VM status: running", "Domain snapshot s1 created",
                         "Save: [100 %]", "Domain 'vm' saved to \(saved)", "shut off (saved)", "Domain restored from \(saved)",
                         "running (restored)", "running (from snapshot)", "Domain snapshot s1 deleted", "Domain 'vm' has been undefined"] {
            #expect(run.output.contains(expected), "missing \(expected) in \(run.output)")
        }
        let readOnly = try await DaemonFixture.virsh(["-c", uri, "-r", "qemu-monitor-command vm '{\"execute\":\"query-status\"}'"])
        #expect(readOnly.status == 1)
    }

    /// A virtd of the test's own running a diskless firmware guest named `name`, which stock
    /// virsh created; and virtd's `qemu+unix` URI.
    static func virtdWithMachine(named name: String) async throws -> (DaemonFixture, String) {
        let fixture = try await DaemonFixture.start()
        let uri = "qemu+unix:///system?socket=\(fixture.socket)"
        let file = fixture.directory + "/vm.xml"
        try """
        <domain type='kvm'><name>\(name)</name><memory unit='KiB'>131072</memory><vcpu>1</vcpu>
          <os><type arch='x86_64' machine='pc'>hvm</type></os><devices><memballoon model='none'/></devices></domain>
        """.write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try await DaemonFixture.virsh(["-c", uri, "create \(file)"]).status == 0)
        return (fixture, uri)
    }

    /// The pass-through commands of virsh and of virtsh, against the same machine: QMP as
    /// typed or wrapped from words, --pretty, --return-value, HMP, and their refusals.
    @Test func virtshPrintsWhatVirshPrintsForThePassThrough() async throws {
        let virtsh = try #require(builtExecutable("virtsh"), "virtsh is built beside the tests")
        let (fixture, uri) = try await Self.virtdWithMachine(named: "mon")
        defer { withExtendedLifetime(fixture) {} }  // virtd lives until the test ends
        let script = """
            qemu-monitor-command mon query-status; qemu-monitor-command mon --pretty query-status; \
            qemu-monitor-command mon --return-value query-status; qemu-monitor-command mon --pretty --return-value query-kvm; \
            qemu-monitor-command mon --pretty '{"execute":"query-fdsets"}'; qemu-monitor-command mon qom-get '{"path":"/machine","property":"type"}'; \
            qemu-monitor-command mon query-block-jobs '"x":1'; qemu-monitor-command mon --return-value no-such; \
            qemu-monitor-command mon --hmp info status; qemu-monitor-command mon --hmp --pretty x; qemu-monitor-command mon --hmp --return-value x; \
            qemu-monitor-command mon --pass-fds 3,x query-status; qemu-monitor-command mon --pass-fds '' --return-value query-name; \
            qemu-agent-command mon --timeout 0 x; qemu-agent-command mon --timeout abc x; qemu-agent-command mon --async --block x; \
            qemu-agent-command mon '{"execute":"guest-ping"}'; qemu-monitor-command nosuch query-status
            """
        let theirs = try await DaemonFixture.virsh(["-c", uri, script])
        let ours = try await offPool { try runTool([virtsh, "-c", uri, script]) }
        // The ids are the monitor's serial numbers, which the two runs advance.
        let ids = /libvirt-[0-9]+/
        #expect(ours.output.replacing(ids, with: "ID") == theirs.output.replacing(ids, with: "ID"))
        #expect(ours.status == theirs.status)
        #expect(theirs.output.contains(#""enabled": true"#) && theirs.output.contains("Unable to parse FD number 'x'"), "\(theirs.output)")
        #expect(try await DaemonFixture.virsh(["-c", uri, "destroy mon"]).status == 0)
    }

    @Test func aFilePassesThroughVirtdToQEMU() async throws {
        let (fixture, uri) = try await Self.virtdWithMachine(named: "fds")
        let descriptorsBefore = try fixture.openDescriptorCount()

        // Stock virsh hands its descriptor 3 over (QEMU_PROC_DOMAIN_MONITOR_COMMAND_WITH_FILES).
        let passed = fixture.directory + "/passed"
        let addFd = #"{"execute":"add-fd","arguments":{"fdset-id":5}}"#
        let virshWithFile = { (commands: String) in
            try await offPool { try runTool(["/bin/sh", "-c", "exec /usr/bin/virsh -c \"$0\" \"$1\" 3<>\"$2\"", uri, commands, passed]) }
        }
        let run = try await virshWithFile("qemu-monitor-command fds --pass-fds 3 '\(addFd)'; qemu-monitor-command fds '{\"execute\":\"query-fdsets\"}'")
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.components(separatedBy: #""fdset-id":5"#).count == 3, "add-fd's answer and the fd set: \(run.output)")
        let two = try await virshWithFile("qemu-monitor-command fds --pass-fds 3,3 '\(addFd)'")
        #expect(two.status == 1 && two.output.contains("at most 1 fd can be passed to qemu along with a command"), "\(two.output)")

        // SwiftVirt's remote driver does the same, having asked for VIR_DRV_FEATURE_FD_PASSING.
        let conn = try await Connection.open(uri)
        let domain = try await conn.lookupDomain(name: "fds")
        let descriptor = open(passed, O_RDONLY | O_CLOEXEC)
        defer { close(descriptor) }
        let named = try await domain.qemuMonitorCommandWithFiles(#"{"execute":"getfd","arguments":{"fdname":"remote"}}"#, files: [descriptor])
        #expect(named.result.contains(#""return":{}"#) && named.files.isEmpty, "\(named.result)")
        #expect(try await domain.qemuMonitorCommand(#"{"execute":"closefd","arguments":{"fdname":"remote"}}"#).contains(#""return":{}"#))
        let refused = await #expect(throws: VirError.self) { try await domain.qemuMonitorCommandWithFiles(addFd, files: [descriptor, descriptor]) }
        #expect(refused?.code == .operationUnsupported)
        await conn.close()
        // virtd closed every descriptor it was given (and the remote client's socket, soon).
        var descriptorsAfter = try fixture.openDescriptorCount()
        for _ in 0..<100 where descriptorsAfter != descriptorsBefore {
            try await Task.sleep(for: .milliseconds(20))
            descriptorsAfter = try fixture.openDescriptorCount()
        }
        #expect(descriptorsAfter == descriptorsBefore)
        #expect(try await DaemonFixture.virsh(["-c", uri, "destroy fds"]).status == 0)
    }
}
