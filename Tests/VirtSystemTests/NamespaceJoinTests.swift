import Glibc
import Testing
import VirtError
@testable import VirtSystem

/// Spawning into the namespaces of a running process (`SpawnPlan.joinNamespaces`).
@Suite("Joining the namespaces of a running process", .enabled(if: isRoot, needsRoot))
struct NamespaceJoinTests {
    /// A sleeping target in new namespaces with its own /proc (and so its own pid 1).
    func target(_ namespaces: NamespaceSet, hostname: String? = nil) throws -> ChildProcess {
        var plan = SpawnPlan(path: "/bin/sleep", "30")
        plan.namespaces = namespaces.union([.pid, .mount])
        plan.mounts = [.proc()]
        plan.hostname = hostname
        return try Spawner.spawn(plan)
    }

    /// Kills `process` and waits for it.
    func end(_ process: ChildProcess) async throws {
        try process.signal(SIGKILL)
        _ = try await process.wait()
    }

    /// The `/proc/PID/ns/KIND` link of a process.
    func namespace(_ kind: String, of pid: pid_t) -> String {
        var buffer = [CChar](repeating: 0, count: 128)
        let count = readlink("/proc/\(pid)/ns/\(kind)", &buffer, buffer.count - 1)
        return count > 0 ? string(fromCBuffer: Array(buffer[0..<count]) + [0]) : ""
    }

    @Test("a process joining pid, mount and UTS namespaces sees the target's, and is our child")
    func joinsPidMountAndUTS() async throws {
        let sleeper = try target([.uts], hostname: "joined-target")
        var plan = shell("echo $$; hostname; cat /proc/1/comm")
        plan.joinNamespaces = SpawnPlan.NamespaceJoin(pidfd: sleeper.pidfd, namespaces: [.pid, .mount, .uts])
        let finished = try await run(plan)
        let lines = finished.output.split(separator: "\n")
        #expect(lines.count == 3, "\(finished.output) \(finished.errors)")
        #expect((Int(lines.first ?? "") ?? 0) > 1)
        #expect(lines.dropFirst().first == "joined-target")
        #expect(lines.last == "sleep")
        #expect(finished.status == .exited(0))

        var waiting = SpawnPlan(path: "/bin/sleep", "30")
        waiting.joinNamespaces = SpawnPlan.NamespaceJoin(pidfd: sleeper.pidfd, namespaces: [.pid, .mount])
        let joined = try Spawner.spawn(waiting)
        #expect(try ProcessStat.read(pid: joined.pid).parentPID == getpid())
        #expect(namespace("pid", of: joined.pid) == namespace("pid", of: sleeper.pid))
        #expect(namespace("mnt", of: joined.pid) == namespace("mnt", of: sleeper.pid))
        #expect(namespace("uts", of: joined.pid) != namespace("uts", of: sleeper.pid))
        try await end(joined)
        #expect(try joined.exitStatus() == .signaled(SIGKILL, coreDumped: false))
        try await end(sleeper)
    }

    @Test("a failure after the clone in the joined pid namespace leaves no process there")
    func failureLeavesNothing() async throws {
        let sleeper = try target([])
        var plan = SpawnPlan(path: "/nonexistent/program")
        plan.joinNamespaces = SpawnPlan.NamespaceJoin(pidfd: sleeper.pidfd, namespaces: [.pid, .mount])
        #expect {
            _ = try Spawner.spawn(plan)
        } throws: { error in
            (error as? VirError)?.message.contains("execve /nonexistent/program") == true
        }
        let inside = try FileManagerless.numericEntries("/proc/\(sleeper.pid)/root/proc")
        #expect(inside == ["1"])
        try await end(sleeper)
    }

    @Test("joining the namespaces of a process that has ended fails at setns")
    func joiningADeadProcess() async throws {
        let gone = try Spawner.spawn(SpawnPlan(path: "/bin/true"))
        _ = try await gone.wait()
        var plan = SpawnPlan(path: "/bin/true")
        plan.joinNamespaces = SpawnPlan.NamespaceJoin(pidfd: gone.pidfd, namespaces: [.uts])
        #expect {
            _ = try Spawner.spawn(plan)
        } throws: { error in
            (error as? VirError)?.message.hasPrefix("join the uts namespaces") == true
        }
    }

    @Test("a time namespace is joined too (the intermediate child then has memory of its own)")
    func joinsTimeNamespace() async throws {
        var plan = SpawnPlan(path: "/bin/sleep", "30")
        plan.namespaces = [.time, .pid, .mount]
        plan.mounts = [.proc()]
        let sleeper = try Spawner.spawn(plan)
        var join = SpawnPlan(path: "/bin/readlink", "/proc/self/ns/time")
        join.joinNamespaces = SpawnPlan.NamespaceJoin(pidfd: sleeper.pidfd, namespaces: [.time, .pid, .mount])
        let finished = try await run(join)
        #expect(finished.output == namespace("time", of: sleeper.pid) + "\n", "\(finished.errors)")
        #expect(finished.output != namespace("time", of: getpid()) + "\n")
        try await end(sleeper)
    }

    @Test("joining a kind that is also created, or nothing, is refused")
    func invalidJoins() throws {
        var plan = SpawnPlan(path: "/bin/true")
        plan.namespaces = [.pid]
        plan.joinNamespaces = SpawnPlan.NamespaceJoin(pidfd: 0, namespaces: [.pid, .uts])
        #expect(throws: VirError.self) { try plan.validate() }
        plan.namespaces = []
        plan.joinNamespaces = SpawnPlan.NamespaceJoin(pidfd: 0, namespaces: [])
        #expect(throws: VirError.self) { try plan.validate() }
        plan.joinNamespaces = SpawnPlan.NamespaceJoin(pidfd: -1, namespaces: [.uts])
        #expect(throws: VirError.self) { try plan.validate() }
    }

    @Test("a child subreaper gets its orphaned grandchildren")
    func childSubreaper() async throws {
        let script = #"p=$(sh -c 'sleep 5 >/dev/null 2>&1 & echo $!'); sleep 0.3; echo $$ $(cut -d' ' -f4 /proc/$p/stat); kill $p"#
        var plan = shell(script)
        plan.childSubreaper = true
        let finished = try await run(plan)
        let pids = finished.output.split(whereSeparator: { $0 == " " || $0 == "\n" })
        #expect(pids.count == 2 && pids[0] == pids[1], "\(finished.output) \(finished.errors)")
    }
}

/// Directory listing without Foundation (VirtSystemTests does not import it).
enum FileManagerless {
    /// The names of the numeric entries of `path`, sorted by value.
    static func numericEntries(_ path: String) throws -> [String] {
        guard let directory = opendir(path) else { throw Syscall.error("opendir \(path)", errno: errno) }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if !name.isEmpty, name.allSatisfy(\.isNumber) { names.append(name) }
        }
        return names.sorted { Int($0) ?? 0 < Int($1) ?? 0 }
    }
}
