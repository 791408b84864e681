import Foundation
import Glibc
import SwiftVirt
import TestSupport
import Testing
@testable import VirtDriverQEMU

/// `<interface type='bridge'>` and `<interface type='ethernet'>`: tap devices the driver
/// opens, gives QEMU as descriptors and, for a bridge, adds to it; on bridges of the test's
/// own, which no address or uplink connects to anything.
@Suite("qemu:///embed: tap interfaces", .enabled(if: RealQEMU.available, RealQEMU.why), .serialized)
struct TapInterfaceTests {
    /// The diskless guest with `interfaces` (their XML).
    private func xml(_ name: String, _ interfaces: String) throws -> String {
        try EmbeddedQEMU.guestXML(name).replacingOccurrences(of: "</devices>", with: interfaces + "</devices>")
    }

    private func sysfs(_ link: String, _ file: String) -> String {
        ((try? String(contentsOfFile: "/sys/class/net/\(link)/\(file)", encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("a bridge interface is a tap in the bridge, with the guest's MAC but for 0xFE, that QEMU holds and that goes with it")
    func bridgeInterface() async throws {
        let bridge = try TestBridge()
        try await EmbeddedQEMU.with { _, conn in
            let interfaces = "<interface type='bridge'><mac address='52:54:00:aa:bb:cc'/><source bridge='\(bridge.name)'/><model type='virtio'/></interface>"
                + "<interface type='ethernet'><mac address='52:54:00:aa:bb:cd'/><model type='e1000'/></interface>"
            let domain = try await conn.defineDomain(xml: try xml("tapped", interfaces))
            _ = try await domain.create()

            let live = try await domain.definition().devices.interfaces
            let taps = live.compactMap(\.targetDev)
            try #require(taps.count == 2 && taps.allSatisfy { $0.hasPrefix("vnet") }, "\(taps)")
            #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: "/sys/class/net/\(taps[0])/master"))?.hasSuffix("/" + bridge.name) == true)
            #expect(!hostHasLink(taps[1] + "/master"), "an ethernet tap joins no bridge")
            #expect(sysfs(taps[0], "address") == "fe:54:00:aa:bb:cc")
            #expect(sysfs(taps[1], "address") == "fe:54:00:aa:bb:cd")
            // IFF_TAP | IFF_NO_PI, and the virtio-net header for the virtio NIC only.
            #expect(sysfs(taps[0], "tun_flags") == "0x5002")
            #expect(sysfs(taps[1], "tun_flags") == "0x1002")
            for tap in taps { #expect((Int(sysfs(tap, "flags").dropFirst(2), radix: 16) ?? 0) & 1 == 1, "\(tap) is up") }
            let network = try await domain.qemuMonitorCommand("info network", flags: .hmp)
            #expect(network.contains("hostnet0: index=0,type=tap,fd=5") && network.contains("hostnet1: index=0,type=tap,fd=6"), "\(network)")
            // The persistent definition names no tap.
            let inactive = try await domain.definition(flags: .inactive).devices.interfaces
            #expect(inactive.map(\.targetDev) == [nil, nil])

            try await domain.destroy()
            #expect(await eventually { !hostHasLink(taps[0]) && !hostHasLink(taps[1]) })
        }
    }

    @Test("an ethernet tap takes the host-side addresses and routes of its <source>, which leave with it; a route it cannot take fails the start")
    func hostSideAddresses() async throws {
        let (tap, other) = (testLinkName("svth"), testLinkName("svth"))
        try await EmbeddedQEMU.with { _, conn in
            // Benchmarking addresses (RFC 2544) on the test's own taps: nothing routes there.
            let interfaces = "<interface type='ethernet'><source><ip address='198.18.213.1' prefix='30'/><ip address='fd5e:7e57::1' prefix='64'/>"
                + "<route address='198.18.214.0' prefix='24' gateway='198.18.213.2'/></source><target dev='\(tap)'/></interface>"
            let domain = try await conn.createDomain(xml: try xml("addressed", interfaces))
            let addresses = try runTool(["/usr/sbin/ip", "-o", "addr", "show", "dev", tap]).output
            #expect(addresses.contains("inet 198.18.213.1/30") && addresses.contains("inet6 fd5e:7e57::1/64"), "\(addresses)")
            let routes = try runTool(["/usr/sbin/ip", "route", "show", "dev", tap]).output
            #expect(routes.contains("198.18.214.0/24 via 198.18.213.2"), "\(routes)")
            try await domain.destroy()
            #expect(await eventually { !hostHasLink(tap) })
            #expect(try runTool(["/usr/sbin/ip", "route", "show", "198.18.214.0/24"]).output.isEmpty)

            // The gateway is on no network of the tap's.
            let unreachable = "<interface type='ethernet'><source><ip address='198.18.213.5' prefix='30'/>"
                + "<route address='198.18.215.0' prefix='24' gateway='198.18.99.1'/></source><target dev='\(other)'/></interface>"
            let refused = try await conn.defineDomain(xml: try xml("unroutable", unreachable))
            let error = await #expect(throws: VirError.self) { _ = try await refused.create() }
            #expect(error?.code == .systemError, "\(error?.message ?? "")")
            #expect(try await refused.state().0 == .shutoff)
            #expect(!hostHasLink(other))
        }
    }

    @Test("a virtio NIC's tap takes vhost-net where the host has it; <driver name='vhost'/> where it has none fails the start, as libvirt's")
    func vhostNet() async throws {
        let hostHasVhostNet = access("/dev/vhost-net", R_OK | W_OK) == 0
        let (preferredTap, requiredTap) = (testLinkName("svtv"), testLinkName("svtv"))
        try await EmbeddedQEMU.with { embedded, conn in
            let preferred = try await conn.createDomain(xml: try xml("preferred", "<interface type='ethernet'><model type='virtio'/><target dev='\(preferredTap)'/></interface>"))
            let status = try JSONDecoder().decode(QEMURunStatus.self, from: Data(contentsOf: URL(fileURLWithPath: embedded.root + "/run/preferred.json")))
            let held = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(status.pid)/fd").compactMap {
                try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(status.pid)/fd/\($0)")
            }
            #expect(held.contains("/dev/vhost-net") == hostHasVhostNet, "\(held)")
            try await preferred.destroy()

            let required = try await conn.defineDomain(xml: try xml("required", "<interface type='ethernet'><model type='virtio'/><driver name='vhost'/><target dev='\(requiredTap)'/></interface>"))
            if hostHasVhostNet {
                _ = try await required.create()
                try await required.destroy()
            } else {
                let error = await #expect(throws: VirError.self) { _ = try await required.create() }
                #expect(error?.code == .configUnsupported && error?.message == "unsupported configuration: vhost-net was requested for an interface, but is unavailable")
                #expect(try await required.state().0 == .shutoff)
            }
            // qemu, not vhost: QEMU moves the packets itself, wherever. The link starts down
            // (set_link on the NIC's id, which a wrong id would fail).
            let userspace = try await conn.createDomain(xml: try xml("userspace", "<interface type='ethernet'><model type='virtio'/><driver name='qemu'/><link state='down'/></interface>"))
            #expect(try await userspace.definition().devices.interfaces.first?.linkState == "down")
            try await userspace.destroy()
        }
        #expect(await eventually { !hostHasLink(preferredTap) && !hostHasLink(requiredTap) })
    }

    @Test("a missing bridge, a device that is no tap or a bad name fails the start or the definition, and leaves no tap")
    func badInterfaces() async throws {
        let bridge = try TestBridge()
        // Named taps: other suites make vnetN links of their own meanwhile.
        let taps = (testLinkName("svtt"), testLinkName("svtt"))
        try await EmbeddedQEMU.with { _, conn in
            let missing = testLinkName("svtno")
            let noBridge = try await conn.defineDomain(xml: try xml("nobridge", "<interface type='bridge'><source bridge='\(missing)'/><target dev='\(taps.0)'/></interface>"))
            let error = await #expect(throws: VirError.self) { _ = try await noBridge.create() }
            #expect(error?.code == .systemError)
            #expect(error?.message.hasPrefix("Unable to add bridge \(missing) port \(taps.0)") == true && error?.message.hasSuffix("No such device") == true, "\(error?.message ?? "")")
            #expect(try await noBridge.state().0 == .shutoff)

            // "lo" is no bridge; the bridge is no tap, and is left alone.
            let notABridge = try await conn.defineDomain(xml: try xml("notabridge", "<interface type='bridge'><source bridge='lo'/><target dev='\(taps.1)'/></interface>"))
            let loError = await #expect(throws: VirError.self) { _ = try await notABridge.create() }
            #expect(loError?.code == .systemError && loError?.message.hasSuffix("Operation not supported") == true, "\(loError?.message ?? "")")
            let taken = try await conn.defineDomain(xml: try xml("taken", "<interface type='ethernet'><target dev='\(bridge.name)'/></interface>"))
            let takenError = await #expect(throws: VirError.self) { _ = try await taken.create() }
            #expect(takenError?.code == .systemError && takenError?.message.contains("Unable to create tap device \(bridge.name)") == true, "\(takenError?.message ?? "")")
            #expect(hostHasLink(bridge.name + "/bridge"))

            let unnamed = await #expect(throws: VirError.self) { try await conn.defineDomain(xml: try xml("unnamed", "<interface type='bridge'/>")) }
            #expect(unnamed?.code == .xmlError)
            let badName = await #expect(throws: VirError.self) {
                try await conn.defineDomain(xml: try xml("badname", "<interface type='ethernet'><target dev='a/b'/></interface>"))
            }
            #expect(badName?.code == .configUnsupported)
            #expect(try await conn.listAllDomains(flags: .active).isEmpty)
        }
        #expect(!hostHasLink(taps.0) && !hostHasLink(taps.1))
    }
}
