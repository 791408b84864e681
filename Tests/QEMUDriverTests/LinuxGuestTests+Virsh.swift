import Foundation
import SwiftVirt
import TestSupport
import Testing

/// `qemu-agent-command` of stock virsh and of virtsh, against the same Linux guest's real
/// qemu-ga, hosted by a virtd of the test's own (`qemu+unix`). One of the Linux guest's
/// serialized tests, so that no two TCG guests take both CPUs at once.
extension LinuxGuestTests {
    @Test("virsh and virtsh print the same for qemu-agent-command against a real agent",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/virsh"), "needs stock virsh (libvirt-clients)"))
    func agentCommandsThroughVirshAndVirtsh() async throws {
        let virtsh = try #require(builtExecutable("virtsh"), "virtsh is built beside the tests")
        let directory = try RealQEMU.scratchDirectory()
        let qemuRoot = directory + "/qemu"
        let virtd = try await offPool { try VirtdProcess(directory: directory + "/virtd", options: ["--qemu-root", qemuRoot]) }
        defer {
            virtd.stop()
            endQEMUs(underRoot: qemuRoot)
            try? FileManager.default.removeItem(atPath: directory)
        }
        let uri = "qemu+unix:///system?socket=\(virtd.socket)"
        let conn = try await Connection.open(uri)
        let domain = try await conn.createDomain(xml: try LinuxGuest.xml("agent"))
        try await LinuxGuest.waitForAgent(domain)

        let script = """
            qemu-agent-command agent '{"execute":"guest-ping"}'; qemu-agent-command agent --pretty '{"execute":"guest-ping"}'; \
            qemu-agent-command agent --timeout 10 --pretty '{"execute":"guest-get-vcpus"}'; qemu-agent-command agent --block '{"execute":"guest-ping"}'; \
            qemu-agent-command agent --async '{"execute":"guest-ping"}'; qemu-agent-command agent '{"execute":"guest-no-such"}'; \
            qemu-agent-command agent guest-ping; qemu-agent-command agent --pretty --timeout 10 '{"execute":"guest-get-host-name"}'
            """
        let theirs = try await offPool { try runTool(["/usr/bin/virsh", "-c", uri, script]) }
        let ours = try await offPool { try runTool([virtsh, "-c", uri, script]) }
        #expect(ours.output == theirs.output)
        #expect(ours.status == theirs.status)
        #expect(theirs.output.contains(#""logical-id": 0"#), "the agent answered: \(theirs.output)")
        try await domain.destroy()
        await conn.close()
    }
}
