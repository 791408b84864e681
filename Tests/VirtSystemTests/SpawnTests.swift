import Synchronization
import Glibc
import Testing
import VirtError
@testable import VirtSystem

@Suite("Spawn and wait", .enabled(if: isRoot, needsRoot))
struct SpawnTests {
    @Test("/bin/true exits with 0, /bin/false with 1")
    func exitCodes() async throws {
        #expect(try await Spawner.spawn(SpawnPlan(path: "/bin/true")).wait() == .exited(0))
        #expect(try await Spawner.spawn(SpawnPlan(path: "/bin/false")).wait() == .exited(1))
    }

    @Test("a missing executable fails naming execve")
    func missingExecutable() throws {
        let error = #expect(throws: VirError.self) { try Spawner.spawn(SpawnPlan(path: "/nonexistent")) }
        #expect(error?.code == .systemError)
        #expect(error?.message == "execve /nonexistent: No such file or directory")
    }

    @Test("arguments, environment and descriptor mapping reach the child")
    func descriptors() async throws {
        let extra = try Pipe()
        var plan = shell("echo \"$0 $1 $GREETING\"; echo extra >&5", namespaces: [])
        plan.arguments += ["zero", "one"]
        plan.environment.append("GREETING=hello")
        plan.descriptors[5] = extra.write
        let finished = try await run(plan)
        #expect(finished.status == .exited(0))
        #expect(finished.output == "zero one hello\n")
        #expect(try extra.readAll() == "extra\n")
    }

    @Test("only the mapped descriptors are open in the child")
    func noLeakedDescriptors() async throws {
        let finished = try await run(SpawnPlan(path: "/bin/ls", "/proc/self/fd"))
        // Only 1 and 2 are mapped: ls gets 0 for the directory it opens.
        #expect(finished.output.split(separator: "\n").sorted() == ["0", "1", "2"])
    }

    @Test("signal plus wait reports the signal")
    func killAndWait() async throws {
        let child = try Spawner.spawn(SpawnPlan(path: "/bin/sleep", "10"))
        #expect(try child.exitStatus() == nil)
        try child.signal(SIGKILL)
        #expect(try await child.wait() == .signaled(SIGKILL, coreDumped: false))
        #expect(try await child.wait() == .signaled(SIGKILL, coreDumped: false))
        #expect(throws: VirError.self) { try child.signal(SIGTERM) }
    }

    @Test("waiting for many children does not block the cooperative pool")
    func concurrentWaits() async throws {
        // The children sleep far longer than other suites could hold the pool's threads; they
        // are killed once the ticker has run. Waits that blocked the pool's threads would keep
        // the ticker from running until the children ended by themselves.
        let children = try (0..<8).map { _ in try Spawner.spawn(SpawnPlan(path: "/bin/sleep", "60")) }
        let finished = FinishedCounter()
        let finishedWhenTickerDone = try await withThrowingTaskGroup(of: Int?.self) { group in
            for child in children {
                group.addTask { () async throws -> Int? in
                    _ = try await child.wait()
                    finished.count.add(1, ordering: .relaxed)
                    return nil
                }
            }
            group.addTask {
                // Needs a pool thread several times while the eight waits are pending.
                for _ in 0..<5 { await Task.yield() }
                let finishedNow = finished.count.load(ordering: .relaxed)
                for child in children { try child.signal(SIGKILL) }
                return finishedNow
            }
            var result = 0
            for try await value in group { if let value { result = value } }
            return result
        }
        #expect(finishedWhenTickerDone == 0)
        for child in children { #expect(try await child.wait() == .signaled(SIGKILL, coreDumped: false)) }
    }

    @Test("a child killed before it execs is a failed spawn, not a running process")
    func killedBeforeExec() throws {
        let error = #expect(throws: VirError.self) {
            try Spawner.spawn(SpawnPlan(path: "/bin/true")) { (pid) throws(VirError) in
                try Syscall.call("kill the child") { kill(pid, SIGKILL) }
            }
        }
        #expect(error?.code == .systemError)
        #expect(error?.message == "spawn of /bin/true: the child ended before it could exec (killed by signal 9)")
    }

    @Test("a cancelled wait throws and the process is still reaped later")
    func cancelledWait() async throws {
        let child = try Spawner.spawn(SpawnPlan(path: "/bin/sleep", "10"))
        let waiter = Task { try await child.wait() }
        try await Task.sleep(for: .milliseconds(20))
        waiter.cancel()
        let result = await waiter.result
        #expect(throws: VirError.self) { try result.get() }
        try child.signal(SIGKILL)
        #expect(try await child.wait() == .signaled(SIGKILL, coreDumped: false))
    }

    @Test("executing an open file descriptor")
    func executeDescriptor() async throws {
        let fd = open("/bin/echo", O_RDONLY | O_CLOEXEC)
        try #require(fd >= 0)
        defer { close(fd) }
        let finished = try await run(SpawnPlan(.descriptor(fd), arguments: ["echo", "from fd"]))
        #expect(finished.output == "from fd\n")
    }

    @Test("a sealed copy of a program runs, and nothing can write to it")
    func executeSealedCopy() async throws {
        let copy = try HelperBinary.sealedCopy(of: "/bin/echo")
        defer { close(copy) }
        let finished = try await run(SpawnPlan(.descriptor(copy), arguments: ["echo", "sealed"]))
        #expect(finished.output == "sealed\n")
        #expect(pwrite(copy, "x", 1, 0) < 0 && errno == EPERM)
        #expect(ftruncate(copy, 0) < 0 && errno == EPERM)
        #expect(throws: VirError.self) { _ = try HelperBinary.sealedCopy(of: "/no/such/program") }
    }

    @Test("invalid plans are rejected before anything starts")
    func validation() {
        var plan = SpawnPlan(path: "/bin/true")
        plan.hostname = "x"
        #expect(throws: VirError.invalidArg("spawn: a host or domain name needs a new UTS namespace", domain: .none)) {
            try Spawner.spawn(plan)
        }
        plan = SpawnPlan(path: "/bin/true")
        plan.mounts = [.proc()]
        #expect(throws: VirError.self) { try Spawner.spawn(plan) }
    }
}

/// How many children have been waited for, shared between test tasks.
private final class FinishedCounter: Sendable {
    let count = Atomic<Int>(0)
}
