import Glibc
import Testing
import VirtError
@testable import VirtSystem

@Suite("Capabilities")
struct CapabilityTests {
    @Test("names and numbers parse and print")
    func names() throws {
        #expect(Capability(name: "CAP_SYS_ADMIN") == .sysAdmin)
        #expect(Capability(name: "sys_time") == .sysTime)
        #expect(Capability(name: "40")?.description == "CAP_CHECKPOINT_RESTORE")
        #expect(Capability(name: "CAP_NOPE") == nil)
        #expect(Capability(rawValue: 64) == nil)
        let set = try CapabilitySet(names: "CAP_CHOWN, sys_admin 25")
        #expect(set == CapabilitySet([.chown, .sysAdmin, .sysTime]))
        #expect(set.description == "CAP_CHOWN,CAP_SYS_ADMIN,CAP_SYS_TIME")
        #expect(throws: VirError.self) { try CapabilitySet(names: "CAP_CHOWN,bogus") }
        #expect(try CapabilitySet(hexMask: "000001ffffffffff") == .through(Capability(rawValue: 40)!))
        #expect(Capability.allNamed.count == 41)
    }

    @Test("the kernel's last capability is known")
    func kernelLast() throws {
        #expect(try CapabilitySet.kernelLast().rawValue >= 40)
    }
}

@Suite("Capability bounding set of a spawned child", .enabled(if: isRoot, needsRoot))
struct BoundingSetTests {
    @Test("the child's CapBnd is exactly the mask it was given")
    func boundingSetMask() async throws {
        var plan = SpawnPlan(path: "/bin/grep", "CapBnd", "/proc/self/status")
        let keep = CapabilitySet([.chown, .kill, .setuid, .setgid, .netBindService])
        plan.boundingSet = keep
        let finished = try await run(plan)
        let mask = try #require(finished.output.split(separator: "\t").last?.dropLast())
        #expect(try CapabilitySet(hexMask: mask) == keep)
    }

    @Test("without CAP_SYS_ADMIN, sethostname fails with EPERM")
    func droppedCapabilityIsEnforced() async throws {
        var plan = SpawnPlan(path: "/bin/hostname", "forbidden")
        plan.namespaces = [.uts]
        var bounding = CapabilitySet.through(try CapabilitySet.kernelLast())
        bounding.remove(.sysAdmin)
        plan.boundingSet = bounding
        // Dropping from the bounding set alone keeps the capability in the effective set;
        // a uid change as root does not clear it either, so run as nobody (caps cleared).
        plan.uid = 65534
        plan.gid = 65534
        plan.groups = []
        let finished = try await run(plan)
        #expect(finished.status == .exited(1))
        #expect(finished.errors.contains("root") || finished.errors.contains("not permitted"))
    }
}
