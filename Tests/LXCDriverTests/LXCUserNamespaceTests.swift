import Foundation
import SwiftVirt
import TestSupport
import Testing

/// `<idmap>`: containers in a user namespace of their own, on real containers.
@Suite("lxc:///embed: <idmap> user namespaces", .enabled(if: canRunContainers, "needs root, namespaces and cgroups"), .serialized)
struct LXCUserNamespaceTests {
    private func idmap(_ uids: String, _ gids: String) -> String {
        "<idmap>\(uids)\(gids)</idmap>"
    }

    private let standardMap = "<idmap><uid start='0' target='100000' count='65536'/><gid start='0' target='200000' count='65536'/></idmap>"

    private func withIdmap(_ xml: String, _ map: String) -> String {
        xml.replacingOccurrences(of: "</os>", with: "</os>\(map)")
    }

    @Test func theInitIsRootInsideAndNobodyOutside() async throws {
        let sandbox = LXCSandbox()
        let connection = try await sandbox.open()
        let xml = withIdmap(sandbox.xml("mapped", devices: "<console type='pty'/>"), standardMap)
        let domain = try await connection.defineDomain(xml: xml)
        try await domain.create()
        let running = try await connection.lookupDomain(name: "mapped")
        let pid = running.id

        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        #expect(status.contains("Uid:\t100000\t100000\t100000\t100000"), "\(status)")
        #expect(status.contains("Gid:\t200000\t200000\t200000\t200000"))
        let uidMap = try String(contentsOfFile: "/proc/\(pid)/uid_map", encoding: .utf8).split(separator: " ", omittingEmptySubsequences: true)
        #expect(uidMap == ["0", "100000", "65536\n"])

        // Inside it is root: it names its host, writes its /dev/null, and reads /proc; the
        // host's root-owned files are not its own, and /proc/sys stays read-only.
        let script = "id -u; hostname inside && hostname; echo x > /dev/null && echo null; "
            + "touch \(sandbox.exchange)/locked/file 2>/dev/null || echo denied; echo 1 > /proc/sys/kernel/hostname 2>/dev/null || echo ro"
        try FileManager.default.createDirectory(atPath: sandbox.exchange + "/locked", withIntermediateDirectories: true)
        let run = try sandbox.virtsh(["lxc-enter-namespace", "mapped", "--noseclabel", "--", "/bin/sh", "-c", script])
        #expect(run.output.split(separator: "\n") == ["0", "inside", "null", "denied", "ro"], "\(run.output)\(run.errors)")

        // Its console belongs to its root.
        let liveXML = try await running.xmlDescription()
        let pty = try #require(liveXML.components(separatedBy: "<source path='").dropFirst().first?.prefix { $0 != "'" })
        let owner = try FileManager.default.attributesOfItem(atPath: String(pty))
        #expect(owner[.ownerAccountID] as? Int == 100000 && owner[.groupOwnerAccountID] as? Int == 200000, "\(owner)")
        #expect(liveXML.contains("<uid start='0' target='100000' count='65536'/>"))
        try await running.destroy()
        try await domain.undefine()
    }

    @Test func aRootFilesystemContainerOwnedByItsRootRunsMapped() async throws {
        let sandbox = LXCSandbox()
        let connection = try await sandbox.open()
        let rootfs = try sandbox.busyboxRootfs()
        // A mapped container's root filesystem belongs to its root, as libvirt's users chown
        // theirs: the container makes its mount points in it.
        try #require(try runTool(["/bin/chown", "-R", "-h", "100000:200000", rootfs]).status == 0)
        let devices = "<filesystem type='mount'><source dir='\(rootfs)'/><target dir='/'/></filesystem>"
        let xml = withIdmap(sandbox.xml("mappedroot", devices: devices), standardMap)
        let domain = try await connection.createDomain(xml: xml)
        let run = try sandbox.virtsh(["lxc-enter-namespace", "mappedroot", "--", "/bin/sh", "-c", "cat /marker; id -u; ls /dev/null /dev/pts/ptmx"])
        #expect(run.output.split(separator: "\n") == ["rootfs", "0", "/dev/null", "/dev/pts/ptmx"], "\(run.output)\(run.errors)")
        try await domain.destroy()
    }

    @Test func mapsTheKernelWouldRefuseAreRefusedAtDefine() async throws {
        let sandbox = LXCSandbox()
        let connection = try await sandbox.open()
        let gid = "<gid start='0' target='100000' count='65536'/>"
        let refused: [String] = [
            idmap("<uid start='0' target='100000' count='0'/>", gid),
            idmap("<uid start='0' target='100000' count='100'/><uid start='50' target='300000' count='10'/>", gid),
            idmap("<uid start='0' target='100000' count='100'/><uid start='200' target='100050' count='10'/>", gid),
            idmap("<uid start='0' target='4294967200' count='1000'/>", gid),
            idmap("<uid start='0' target='100000' count='10'/>", ""),
            idmap("<uid start='1' target='100000' count='10'/>", gid),
            idmap((0..<341).map { "<uid start='\($0 * 10)' target='\(100000 + $0 * 10)' count='10'/>" }.joined(), gid),
        ]
        for map in refused {
            await expectError(.configUnsupported) { _ = try await connection.defineDomain(xml: withIdmap(sandbox.xml("refused"), map)) }
            await expectError(.configUnsupported) { _ = try await connection.createDomain(xml: withIdmap(sandbox.xml("refused"), map)) }
        }
        #expect(try await connection.listAllDomains().isEmpty)
    }
}
