import Foundation
import Glibc
import Testing
import TestSupport

/// `virsh event --all --loop` through virtd prints what it prints through a private
/// libvirtd's test driver while another virsh runs the same lifecycle script.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/virsh"), "virsh (Debian libvirt-clients) is not installed"),
       .enabled(if: LibvirtdFixture.unavailable == nil, "\(LibvirtdFixture.unavailable ?? "")"))
struct StockVirshEventTests {
    @Test func eventLoopPrintsTheSameLifecycleEventsAsAgainstLibvirtd() async throws {
        let script = "define \(StockVirshTests.demo); start demo; suspend demo; resume demo; destroy demo; start demo; shutdown demo; undefine demo"
        let virtd = try await DaemonFixture.start()
        let libvirtd = try LibvirtdFixture()
        let viaVirtd = try await offPool { try Self.events(at: virtd.socket, during: script, probe: virtd.directory) }
        let viaLibvirtd = try await offPool { try Self.events(at: libvirtd.socket, during: script, probe: libvirtd.directory) }
        #expect(viaVirtd.contains("event 'lifecycle' for domain 'demo': Started Booted"), "\(viaVirtd)")
        #expect(viaVirtd == viaLibvirtd)
    }

    /// The events `virsh event --all --loop` prints while `script` runs on `socket`, without
    /// those of the probe domain that tells when the loop is listening and when it has seen
    /// everything.
    private static func events(at socket: String, during script: String, probe directory: String) throws -> String {
        let uri = "test+unix:///default?socket=\(socket)"
        let probe = directory + "/probe.xml"
        let demo = try String(contentsOfFile: StockVirshTests.demo, encoding: .utf8)
        try demo.replacing(/<name>[^<]*<\/name>/, with: "<name>probe</name>").replacing(/<uuid>[^<]*<\/uuid>/, with: "")
            .write(toFile: probe, atomically: true, encoding: .utf8)
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw SpawnFailure(description: "no pipe") }
        defer { close(ends[0]) }
        let loop = try spawnWithCleanSignals("/usr/bin/virsh", ["virsh", "-c", uri, "event", "--all", "--loop", "--timeout", "30"], output: .descriptor(ends[1]))
        close(ends[1])
        defer {
            kill(loop, SIGTERM)
            _ = waitForChild(loop)
        }
        var printed = ""
        for _ in 0..<50 {
            _ = try runTool(["/usr/bin/virsh", "-c", uri, "define \(probe); undefine probe"])
            printed += read(ends[0], until: "'probe': Undefined", within: .milliseconds(200))
            if printed.contains("'probe': Undefined") { break }
        }
        _ = try runTool(["/usr/bin/virsh", "-c", uri, script])
        _ = try runTool(["/usr/bin/virsh", "-c", uri, "define \(probe)"])
        printed += read(ends[0], until: "'probe': Defined", within: .seconds(10))
        _ = try runTool(["/usr/bin/virsh", "-c", uri, "undefine probe"])
        return printed.split(separator: "\n").filter { !$0.contains("'probe'") }.joined(separator: "\n")
    }
}
