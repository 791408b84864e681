import Foundation
import Testing
import TestSupport

/// Whether python3-libvirt can be imported.
private let hasPythonLibvirt = FileManager.default.fileExists(atPath: "/usr/lib/python3/dist-packages/libvirt.py")

/// libvirt-python (Debian's python3-libvirt) against virtd: the same calls and lifecycle
/// events through libvirt's default event loop print the same as against a private
/// libvirtd 9.0's test driver.
@Suite("libvirt-python against virtd", .enabled(if: hasPythonLibvirt, "python3-libvirt is not installed"),
       .enabled(if: LibvirtdFixture.unavailable == nil, "\(LibvirtdFixture.unavailable ?? "")"))
struct PythonClientTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Scripts/python_client.py").path

    @Test func callsAndEventsMatchLibvirtd() async throws {
        let virtd = try await DaemonFixture.start()
        let libvirtd = try await offPool { try LibvirtdFixture() }
        defer { libvirtd.stop() }
        let ours = try await offPool { try runTool(["/usr/bin/python3", Self.script, "test+unix:///default?socket=\(virtd.socket)", virtd.directory]) }
        let theirs = try await offPool {
            try runTool(["/usr/bin/python3", Self.script, "test+unix:///default?socket=\(libvirtd.socket)", libvirtd.directory])
        }
        #expect(ours.status == 0 && theirs.status == 0, "\(ours.output)\n---\n\(theirs.output)")
        #expect(ours.output == theirs.output)
        // The script did what it says: events arrived through the default loop.
        #expect(ours.output.contains("events: [('py', 0, 0), ('py', 2, 0), ('py', 3, 0), ('py', 4, 0)"), "\(ours.output)")
    }
}
