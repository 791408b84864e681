import Foundation
import SwiftVirt
import TestSupport
import Testing

/// `<interface type='bridge'>` and `<interface type='ethernet'>` as veth pairs, on real
/// containers, bridges and namespaces the tests make themselves.
@Suite("lxc:///embed: container interfaces", .enabled(if: canRunContainers, "needs root, namespaces and cgroups"), .serialized)
struct LXCNetworkTests {
    private func interface(_ type: String, _ inner: String) -> String {
        "<interface type='\(type)'>\(inner)</interface>"
    }

    /// Runs `command` inside the container `name` (virtsh lxc-enter-namespace).
    private func inside(_ sandbox: LXCSandbox, _ name: String, _ command: [String]) throws -> (status: Int32, output: String) {
        let result = try sandbox.virtsh(["lxc-enter-namespace", name, "--noseclabel", "--"] + command)
        return (result.status, result.output + result.errors)
    }

    /// The host-side names of a running domain's interfaces, from its live XML.
    private func hostEnds(_ domain: Domain) async throws -> [String] {
        let xml = try await domain.xmlDescription()
        return xml.components(separatedBy: "<target dev='").dropFirst().map { String($0.prefix { $0 != "'" }) }
    }

    @Test func bridgedContainersGetTheirAddressesAndRoutesAndReachEachOther() async throws {
        let sandbox = LXCSandbox()
        let bridge = try TestBridge()
        let connection = try await sandbox.open()
        func devices(_ address: String) -> String {
            interface("bridge", "<source bridge='\(bridge.name)'/><ip address='\(address)' prefix='24'/>"
                      + "<route address='10.251.0.0' prefix='16' gateway='10.250.0.1'/>")
        }
        let first = try await connection.defineDomain(xml: sandbox.xml("bridged1", devices: devices("10.250.0.2")))
        try await first.create()
        let second = try await connection.createDomain(xml: sandbox.xml("bridged2", devices: devices("10.250.0.3")))

        let addresses = try inside(sandbox, "bridged1", ["/bin/busybox", "ip", "-o", "addr", "show", "dev", "eth0"])
        #expect(addresses.output.contains("inet 10.250.0.2/24"), "\(addresses.output)")
        let routes = try inside(sandbox, "bridged1", ["/bin/busybox", "ip", "route"])
        #expect(routes.output.contains("10.251.0.0/16 via 10.250.0.1 dev eth0"), "\(routes.output)")
        let loopback = try inside(sandbox, "bridged1", ["/bin/busybox", "ip", "-o", "link", "show", "lo"])
        #expect(loopback.output.contains("UP"), "\(loopback.output)")
        let ping = try inside(sandbox, "bridged1", ["/bin/busybox", "ping", "-c", "1", "-W", "3", "10.250.0.3"])
        #expect(ping.status == 0, "\(ping.output)")

        // The live XML names both ends; the host ends are in the bridge.
        let live = try await connection.lookupDomain(name: "bridged1")
        let liveXML = try await live.xmlDescription()
        #expect(liveXML.contains("<guest dev='eth0'/>"))
        #expect(liveXML.contains("<mac address='52:54:00:"))
        let ends = try await hostEnds(live) + hostEnds(second)
        #expect(ends.count == 2 && ends.allSatisfy { $0.hasPrefix("vnet") }, "\(ends)")
        let members = try runTool(["/usr/sbin/ip", "-o", "link", "show", "master", bridge.name]).output
        for end in ends { #expect(members.contains(" \(end)@"), "\(members)") }
        // The persistent definition keeps its generated MAC, not the run's names.
        let inactive = try await live.xmlDescription(flags: .inactive)
        #expect(!inactive.contains("<target dev=") && !inactive.contains("<guest dev="), "\(inactive)")
        #expect(inactive.contains(liveXML.components(separatedBy: "<mac address='")[1].prefix(17)))

        // Another process adopts them, and destroy deletes the host ends at once.
        let adopter = try await sandbox.open()
        let adopted = try await adopter.lookupDomain(name: "bridged1")
        #expect(try await hostEnds(adopted) == [ends[0]])
        try await adopted.destroy()
        #expect(!hostHasLink(ends[0]))
        try await second.destroy()
        #expect(!hostHasLink(ends[1]))
        try await first.undefine()
    }

    @Test func anEthernetInterfaceReachesAPeerNamespace() async throws {
        let sandbox = LXCSandbox()
        let peer = try PeerNamespace()
        let connection = try await sandbox.open()
        let end = testLinkName("svteth")
        let devices = interface("ethernet", "<mac address='52:54:00:aa:bb:01'/><source><ip address='10.252.0.1' prefix='30'/></source>"
                                + "<ip address='10.252.0.2' prefix='30'/><route address='0.0.0.0' gateway='10.252.0.1'/>"
                                + "<target dev='\(end)'/><guest dev='uplink'/>")
        let domain = try await connection.createDomain(xml: sandbox.xml("ethernet", devices: devices))
        defer { _ = try? runTool(["/usr/sbin/ip", "link", "del", end]) }

        // The host end has the <source>'s address, and no bridge.
        let hostSide = try runTool(["/usr/sbin/ip", "-o", "addr", "show", "dev", end]).output
        #expect(hostSide.contains("inet 10.252.0.1/30"), "\(hostSide)")
        #expect(!(try runTool(["/usr/sbin/ip", "-o", "link", "show", end]).output.contains("master")))
        let link = try inside(sandbox, "ethernet", ["/bin/busybox", "ip", "-o", "link", "show", "uplink"])
        #expect(link.output.contains("52:54:00:aa:bb:01"), "\(link.output)")
        let routes = try inside(sandbox, "ethernet", ["/bin/busybox", "ip", "route"])
        #expect(routes.output.contains("default via 10.252.0.1 dev uplink"), "\(routes.output)")

        // Its peer is a namespace of this test's: the container answers from there.
        try peer.adopt(end)
        try #require(try peer.run(["/usr/sbin/ip", "addr", "add", "10.252.0.1/30", "dev", end]).status == 0)
        try #require(try peer.run(["/usr/sbin/ip", "link", "set", end, "up"]).status == 0)
        let ping = try peer.run(["/bin/busybox", "ping", "-c", "1", "-W", "3", "10.252.0.2"])
        #expect(ping.status == 0, "\(ping.output)")
        try await domain.destroy()
    }

    @Test func aMissingBridgeOrATakenNameFailsTheStartAndLeavesNothing() async throws {
        let sandbox = LXCSandbox()
        let connection = try await sandbox.open()
        // Named host ends: other suites make vnetN links of their own meanwhile.
        let ends = (testLinkName("svtv"), testLinkName("svtv"))

        let missing = testLinkName("svtno")
        let domain = try await connection.defineDomain(xml: sandbox.xml("nobridge", devices: interface("bridge", "<source bridge='\(missing)'/><target dev='\(ends.0)'/>")))
        do throws(VirError) {
            try await domain.create()
            Issue.record("a bridge that does not exist was accepted")
        } catch {
            #expect(error.code == .systemError)
            #expect(error.message.contains("Unable to add bridge \(missing) port \(ends.0)") && error.message.hasSuffix("No such device"), "\(error.message)")
        }
        #expect(try await domain.info().state == .shutoff)
        #expect(try await connection.listAllDomains(flags: .active).isEmpty)

        // "lo" is no bridge.
        let notABridge = try await connection.defineDomain(xml: sandbox.xml("notabridge", devices: interface("bridge", "<source bridge='lo'/><target dev='\(ends.1)'/>")))
        await expectError(.systemError) { try await notABridge.create() }

        // A host-side name that is taken (by a bridge of this test's).
        let holder = try TestBridge()
        let taken = holder.name
        do throws(VirError) {
            _ = try await connection.createDomain(xml: sandbox.xml("taken", devices: interface("ethernet", "<target dev='\(taken)'/>")))
            Issue.record("a taken interface name was accepted")
        } catch {
            #expect(error.code == .systemError && error.message.contains("File exists"), "\(error.message)")
        }
        #expect(hostHasLink(taken + "/bridge"), "the bridge named '\(taken)' must be left alone")
        #expect(try await connection.listAllDomains(flags: .active).isEmpty)
        #expect(!hostHasLink(ends.0) && !hostHasLink(ends.1), "left behind")
    }

    @Test func interfacesThisDriverCannotMakeAreRefusedAsLibvirtRefusesThem() async throws {
        let sandbox = LXCSandbox()
        let connection = try await sandbox.open()
        let user = try await connection.defineDomain(xml: sandbox.xml("user", devices: interface("user", "")))
        await expectError(.internalError) { try await user.create() }
        let network = try await connection.defineDomain(xml: sandbox.xml("network", devices: interface("network", "<source network='default'/>")))
        await expectError(.noConnect) { try await network.create() }

        let refusedAtDefine: [(ErrorCode, String)] = [
            (.configUnsupported, interface("ethernet", "<script path='/bin/true'/>")),
            (.configUnsupported, interface("ethernet", "<guest dev='same'/>") + interface("ethernet", "<guest dev='same'/>")),
            (.configUnsupported, interface("ethernet", "<target dev='much-too-long-name'/>")),
            (.configUnsupported, interface("bridge", "<source bridge='br0'><ip address='10.0.0.1'/></source>")),
            (.xmlError, interface("ethernet", "<mac address='01:00:5e:00:00:01'/>")),
            (.xmlError, interface("ethernet", "<mac address='52:54:00:zz:00:01'/>")),
            (.xmlError, interface("ethernet", "<ip address='10.0.0.300'/>")),
            (.xmlError, interface("bridge", "")),
        ]
        for (code, devices) in refusedAtDefine {
            await expectError(code) { _ = try await connection.defineDomain(xml: sandbox.xml("refused", devices: devices)) }
        }
        #expect(try await connection.listAllDomains().map(\.name).sorted() == ["network", "user"])
    }

    @Test func aContainerWithItsOwnNetworkHasASysfsOfItsOwnWithTheHostsCgroups() async throws {
        let sandbox = LXCSandbox()
        let connection = try await sandbox.open()
        let rootfs = try sandbox.busyboxRootfs()
        let privnet = "</os><features><privnet/></features>"
        let variants: [(name: String, xml: String)] = [
            ("hostroot", sandbox.xml("hostroot", devices: interface("ethernet", "<guest dev='inner0'/>"))),
            ("rooted", sandbox.xml("rooted", devices: "<filesystem type='mount'><source dir='\(rootfs)'/><target dir='/'/></filesystem>")
                .replacingOccurrences(of: "</os>", with: privnet)),
            ("mapped", sandbox.xml("mapped").replacingOccurrences(of: "</os>", with: privnet + """
                <idmap><uid start='0' target='100000' count='65536'/><gid start='0' target='200000' count='65536'/></idmap>
                """)),
            ("shared", sandbox.xml("shared")),
        ]
        for variant in variants { _ = try await connection.createDomain(xml: variant.xml) }
        func listing(_ name: String, _ directory: String) throws -> [String] {
            try inside(sandbox, name, ["/bin/busybox", "ls", directory]).output.split(separator: "\n").map(String.init)
        }
        #expect(try listing("hostroot", "/sys/class/net") == ["inner0", "lo"])
        #expect(try listing("rooted", "/sys/class/net") == ["lo"])
        #expect(try listing("mapped", "/sys/class/net") == ["lo"])  // a user namespace's own sysfs
        // Other suites add and remove links meanwhile: compare with a host listing that held
        // from before the container's to after it.
        func hostLinks() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: "/sys/class/net").sorted() }
        var compared = false
        for _ in 0..<20 where !compared {
            let (before, shared, after) = (try hostLinks(), try listing("shared", "/sys/class/net"), try hostLinks())
            guard before == after else { continue }
            #expect(shared == before)
            compared = true
        }
        #expect(compared, "the host's links kept changing")
        for variant in variants {
            #expect(try listing(variant.name, "/sys/fs/cgroup/memory").contains("memory.limit_in_bytes"), "\(variant.name)")
            let write = try inside(sandbox, variant.name, ["/bin/busybox", "touch", "/sys/fs/cgroup/memory/x", "/sys/x"])
            #expect(write.status != 0 && write.output.contains("Read-only file system"), "\(variant.name): \(write.output)")
        }
        for variant in variants { try await connection.lookupDomain(name: variant.name).destroy() }
    }
}
