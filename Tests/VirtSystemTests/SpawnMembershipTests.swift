import Glibc
import Testing
import VirtError
@testable import VirtSystem

/// What the parent does between clone and release: cgroup membership and id maps.
@Suite("Spawn: cgroups and user namespaces", .enabled(if: isRoot, needsRoot))
struct SpawnMembershipTests {
    /// A cgroup directory made for one test and removed after it.
    final class TemporaryCgroup {
        let path: String
        init?(hierarchy: String) {
            path = "\(hierarchy)/swiftvirt-spawn-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            guard access(hierarchy, W_OK) == 0, mkdir(path, 0o755) == 0 else { return nil }
        }
        deinit { rmdir(path) }
    }

    @Test("CLONE_INTO_CGROUP starts the child in a v2 cgroup")
    func intoV2Cgroup() async throws {
        let hierarchy = ["/sys/fs/cgroup/unified", "/sys/fs/cgroup"].first { access($0 + "/cgroup.procs", F_OK) == 0 && access($0 + "/cgroup.controllers", F_OK) == 0 }
        let cgroup = try #require(hierarchy.flatMap(TemporaryCgroup.init(hierarchy:)), "no writable cgroup2 hierarchy")
        let directory = open(cgroup.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        try #require(directory >= 0)
        defer { close(directory) }
        var plan = SpawnPlan(path: "/bin/cat", "/proc/self/cgroup")
        plan.cgroupDirectory = directory
        let finished = try await run(plan)
        let name = String(cgroup.path.split(separator: "/").last!)
        #expect(finished.output.split(separator: "\n").contains("0::/\(name)"))
    }

    @Test("the parent writes the pid into v1 cgroup.procs files before the child runs")
    func intoV1Cgroup() async throws {
        let cgroup = try #require(TemporaryCgroup(hierarchy: "/sys/fs/cgroup/pids"), "no v1 pids hierarchy")
        var plan = SpawnPlan(path: "/bin/cat", "/proc/self/cgroup")
        plan.cgroupProcsFiles = [cgroup.path + "/cgroup.procs"]
        let finished = try await run(plan)
        let name = String(cgroup.path.split(separator: "/").last!)
        #expect(finished.output.split(separator: "\n").contains { $0.hasSuffix(":pids:/\(name)") })
    }

    @Test("a failing parent step kills and reaps the waiting child")
    func parentStepFailure() throws {
        var plan = SpawnPlan(path: "/bin/true")
        plan.cgroupProcsFiles = ["/nonexistent/cgroup.procs"]
        let error = #expect(throws: VirError.self) { try Spawner.spawn(plan) }
        #expect(error?.message == "open /nonexistent/cgroup.procs: No such file or directory")
    }

    @Test("a user namespace with uid and gid maps: root inside, an unprivileged id outside")
    func userNamespace() async throws {
        var plan = shell("id -u; id -g; cat /proc/self/uid_map", namespaces: [.user, .pid, .mount])
        plan.uidMap = "0 100000 65536\n"
        plan.gidMap = "0 100000 65536\n"
        // Until it changes its ids, the child keeps the host's root ids, unmapped inside.
        (plan.uid, plan.gid, plan.groups) = (0, 0, [])
        plan.mounts = [.proc()]
        let finished = try await run(plan)
        let lines = finished.output.split(separator: "\n")
        #expect(lines.count == 3 && lines[0] == "0" && lines[1] == "0", "\(finished)")
        #expect(lines.last?.split(separator: " ", omittingEmptySubsequences: true) == ["0", "100000", "65536"])
    }
}
