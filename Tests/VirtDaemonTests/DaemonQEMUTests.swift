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
        for expected in ["Domain 'vm' started", "running (booted)", #""status": "running""#, "VM status: running", "Domain snapshot s1 created",
                         "Save: [100 %]", "Domain 'vm' saved to \(saved)", "shut off (saved)", "Domain restored from \(saved)",
                         "running (restored)", "running (from snapshot)", "Domain snapshot s1 deleted", "Domain 'vm' has been undefined"] {
            #expect(run.output.contains(expected), "missing \(expected) in \(run.output)")
        }
        let readOnly = try await DaemonFixture.virsh(["-c", uri, "-r", "qemu-monitor-command vm '{\"execute\":\"query-status\"}'"])
        #expect(readOnly.status == 1)
    }
}
