import Foundation
import SwiftVirt
import Testing

/// `<features><capabilities policy=…>` and its toggles, on real containers.
@Suite("lxc:///embed: <capabilities> policies", .enabled(if: canRunContainers, "needs root, namespaces and cgroups"), .serialized)
struct LXCCapabilityPolicyTests {
    private func withFeatures(_ xml: String, _ capabilities: String) -> String {
        xml.replacingOccurrences(of: "</os>", with: "</os><features>\(capabilities)</features>")
    }

    /// The init's bounding set, as bit numbers.
    private func boundingSet(of domain: Domain) throws -> Set<Int> {
        let status = try String(contentsOfFile: "/proc/\(domain.id)/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("CapBnd:") })
        let mask = try #require(UInt64(line.split(separator: "\t").last ?? "", radix: 16))
        return Set((0..<64).filter { mask >> UInt64($0) & 1 == 1 })
    }

    @Test func policiesAndTogglesShapeTheBoundingSet() async throws {
        let sandbox = LXCSandbox()
        let connection = try await sandbox.open()
        let (sysAdmin, sysModule, sysTime, netAdmin, mknod) = (21, 16, 25, 12, 27)

        let standard = try await connection.createDomain(xml: sandbox.xml("standard"))
        let standardSet = try boundingSet(of: standard)
        #expect(standardSet.contains(sysAdmin) && !standardSet.contains(sysModule) && !standardSet.contains(mknod))

        let toggled = try await connection.createDomain(xml: withFeatures(sandbox.xml("toggled"),
            "<capabilities policy='default'><sys_admin state='off'/><sys_time state='on'/></capabilities>"))
        let toggledSet = try boundingSet(of: toggled)
        #expect(!toggledSet.contains(sysAdmin) && toggledSet.contains(sysTime) && !toggledSet.contains(sysModule))

        // Inside, a dropped capability fails: the init of a container denied sys_admin
        // cannot set its host name.
        try FileManager.default.createDirectory(atPath: sandbox.exchange, withIntermediateDirectories: true)
        let script = "hostname other 2>/dev/null && echo changed > \(sandbox.exchange)/denied || echo refused > \(sandbox.exchange)/denied; sleep 1000"
        let denied = try await connection.createDomain(xml: withFeatures(sandbox.xml("denied", args: ["-c", script]),
            "<capabilities policy='deny'><net_admin state='on'/></capabilities>"))
        #expect(try boundingSet(of: denied) == [netAdmin])

        let allowed = try await connection.createDomain(xml: withFeatures(sandbox.xml("allowed"),
            "<capabilities policy='allow'><mknod state='off'/></capabilities>"))
        let allowedSet = try boundingSet(of: allowed)
        #expect(allowedSet.contains(sysModule) && !allowedSet.contains(mknod))

        #expect(try await sandbox.report("denied") == "refused\n")
        for domain in [standard, toggled, denied, allowed] { try await domain.destroy() }
    }

    @Test func badPoliciesAreRefusedAtDefine() async throws {
        let sandbox = LXCSandbox()
        let connection = try await sandbox.open()
        for capabilities in ["<capabilities policy='maybe'/>", "<capabilities><no_such_cap state='on'/></capabilities>",
                             "<capabilities><sys_admin state='yes'/></capabilities>", "<capabilities><sys_admin/></capabilities>"] {
            await expectError(.xmlError) { _ = try await connection.defineDomain(xml: withFeatures(sandbox.xml("bad"), capabilities)) }
        }
        #expect(try await connection.listAllDomains().isEmpty)
    }
}
