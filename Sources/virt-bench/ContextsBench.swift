import Foundation
import VirtContexts
import VirtSystem

/// `virt-bench contexts`: security contexts against `unshare` and `crun run`, in one run.
/// Needs root, crun and python3 (scripts/install-test-deps).
enum ContextsBench {
    static let rounds = 200

    static func run() async throws {
        let root = ContextSystem.runBase + "/bench-\(UUID().uuidString)"
        let system = try ContextSystem(root: root)
        defer { system.removeRoot() }
        let create = try await measureCreate(system)
        let unshare = try measureUnshare()
        let crun = try ReferenceScripts.crun("run", rounds: rounds)["run_ms"].map { $0 / 1000 } ?? .nan
        let killWait = try await measureKillWait(system)
        let freeze = try await measureFreezeThaw(system)
        let keeperRSS = try await measureKeeperRSS(system)
        Comparison.printTable("contexts (medians; pid+mnt+uts+ipc+cgroup namespaces, 4 cgroups: memory, freezer and pids of its own, the shared devices one; /bin/true)", [
            Comparison(name: "create-to-reaped vs unshare -fpmiu --mount-proc", unit: "ms", swiftVirt: create.toReaped * 1000, reference: unshare * 1000, higherIsBetter: false, target: ""),
            Comparison(name: "create-to-reaped vs crun run", unit: "ms", swiftVirt: create.toReaped * 1000, reference: crun * 1000, higherIsBetter: false, target: ">= 4x"),
        ])
        print(String(format: "create-to-exec (create returns once /bin/true has exec'd): %.2f ms (target < 1.5 ms)", create.toExec * 1000))
        print(String(format: "vx_kill + vx_wait, 100-process context: %.2f ms (median of 5)", killWait * 1000))
        print(String(format: "freeze + thaw (VXF_SCHED_PAUSE set and cleared): %.3f ms (median of 50)", freeze * 1000))
        print("resident processes per context: none beyond its own; per host: the keeper (swiftvirt-keeper), \(keeperRSS) KiB resident")
    }

    /// Creates a context running /bin/true: the time until `create` returns, which it does
    /// once the program has exec'd, and until the context is reaped and its cgroups are gone.
    /// With a process limit, so that it has a pids cgroup of its own too.
    static func measureCreate(_ system: ContextSystem) async throws -> (toExec: Double, toReaped: Double) {
        var xid: UInt32 = 40000
        var options = ContextOptions()
        options.flags.insert(.infoNproc)
        let clock = ContinuousClock()
        func cycle() async throws -> (Double, Double) {
            xid += 1
            let start = clock.now
            let running = try system.create(xid: xid, command: ["/bin/true"], options: options)
            let execd = clock.now
            _ = try await running.wait()
            return (Bench.seconds(execd - start), Bench.seconds(clock.now - start))
        }
        for _ in 0..<10 { _ = try await cycle() }
        var samples: [(Double, Double)] = []
        for _ in 0..<rounds { samples.append(try await cycle()) }
        return (Bench.medianOf(samples.map(\.0)), Bench.medianOf(samples.map(\.1)))
    }

    static func measureUnshare() throws -> Double {
        let argv = ["/usr/bin/unshare", "-fpmiu", "--mount-proc", "/bin/true"]
        for _ in 0..<10 { _ = Bench.spawnAndWait(argv) }
        let samples = (0..<rounds).map { _ in Bench.spawnAndWait(argv) }
        guard samples.allSatisfy({ $0.status == 0 }) else { throw BenchError.commandFailed(argv.joined(separator: " "), 1) }
        return Bench.medianOf(samples.map(\.seconds))
    }

    /// vx_kill(0, SIGKILL) and vx_wait of a context holding 100 processes.
    static func measureKillWait(_ system: ContextSystem) async throws -> Double {
        var samples: [Double] = []
        for round in 0..<5 {
            let running = try system.create(xid: 45000 + UInt32(round), command: ["/bin/sh", "-c", "for i in $(seq 99); do sleep 1000 & done; wait"])
            while try running.context.stat().tasks < 100 { try await Task.sleep(for: .milliseconds(5)) }
            let clock = ContinuousClock()
            let start = clock.now
            try running.context.kill(pid: 0, signal: SIGKILL)
            _ = try await running.wait()
            samples.append(Bench.seconds(clock.now - start))
        }
        return Bench.medianOf(samples)
    }

    static func measureFreezeThaw(_ system: ContextSystem) async throws -> Double {
        let running = try system.create(xid: 46000, command: ["/bin/sleep", "1000"])
        defer { try? running.context.kill(pid: 0, signal: SIGKILL) }
        let time = try await Bench.median(rounds: 50) {
            try running.context.setFlags(.schedPause, mask: .schedPause)
            try running.context.setFlags([], mask: .schedPause)
        }
        try running.context.kill(pid: 0, signal: SIGKILL)
        _ = try await running.wait()
        return time
    }

    /// The resident memory of the root's keeper, the one process that answers every
    /// context's seccomp notifications.
    static func measureKeeperRSS(_ system: ContextSystem) async throws -> Int {
        let running = try system.create(xid: 46001, command: ["/bin/sleep", "1000"])
        defer { try? running.context.kill(pid: 0, signal: SIGKILL) }
        let pid = try keeperPID(root: system.root)
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let rss = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }
            .flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? -1
        try running.context.kill(pid: 0, signal: SIGKILL)
        _ = try await running.wait()
        return rss
    }

    /// The keeper of `root`: the swiftvirt-keeper process whose root descriptor (fd 4) is it.
    static func keeperPID(root: String) throws -> Int32 {
        let processes = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in processes {
            guard let pid = Int32(entry),
                  (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?.hasPrefix("swiftvirt-keep") == true,
                  (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/4")) == root else { continue }
            return pid
        }
        throw BenchError.missing("the keeper of \(root)")
    }
}
