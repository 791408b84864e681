import FoundationEssentials
import VirtError
import VirtSystem

#if canImport(Glibc)
import Glibc
#endif

/// Statistics of a context (`vx_stat_t`), from the kernel's own accounting: the cgroup's
/// processes and threads and each process's state in /proc.
public struct ContextStat: Sendable, Equatable {
    /// `usecnt`: processes referencing the context.
    public var usecnt: Int
    /// `tasks`: processes in the context.
    public var tasks: Int
    /// `nr_threads`
    public var threads: Int
    /// `nr_running`: threads running or runnable.
    public var running: Int
    /// `nr_unintr`: threads in uninterruptible sleep.
    public var uninterruptible: Int
    /// `nr_onhold`: threads stopped or frozen.
    public var onHold: Int
    /// `nr_forks`: processes created in the context's pid namespace as far as its live
    /// processes show (pids there are handed out in order: the highest one inside, less the
    /// init), or the number of its processes without a pid namespace.
    public var forks: Int
    /// `load[3]`: runnable threads now. Cgroup v1 keeps no per-cgroup load average, so all
    /// three hold the instantaneous value.
    public var load: [Int]
    /// `offset`: the time namespace's offset of monotonic time, in nanoseconds.
    public var offset: Int64
    /// `uptime`: nanoseconds since the context was created.
    public var uptime: UInt64
}

extension Context {
    /// Corresponds to `vx_stat`.
    public func stat() throws(VirError) -> ContextStat {
        let group = try cgroup()
        let processes = try group.processes()
        let frozen = (try? group.freezerState()) == .frozen
        var threads = 0, running = 0, uninterruptible = 0, onHold = 0
        for pid in processes {
            let tids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
            for tid in tids {
                guard let state = try? ProcessStat(parsing: SystemFile.read("/proc/\(pid)/task/\(tid)/stat")).state else { continue }
                threads += 1
                if frozen || state == "T" || state == "t" { onHold += 1 } else if state == "R" { running += 1 } else if state == "D" { uninterruptible += 1 }
            }
        }
        var forks = processes.count
        if namespaces.contains(.pid) {
            let innermost = processes.compactMap { try? ProcessStatus.read(pid: $0).namespacePIDs.last }
            forks = max(Int(innermost.max() ?? 1) - 1, 0)
        }
        let uptime = UInt64(max(0, (Date().timeIntervalSince1970 - record.createdAt) * 1e9))
        return ContextStat(usecnt: processes.count, tasks: processes.count, threads: threads, running: running,
                           uninterruptible: uninterruptible, onHold: onHold, forks: forks,
                           load: [running, running, running], offset: record.timeOffset, uptime: uptime)
    }
}

extension Context {
    /// The memory the context's cgroup charges now, in bytes (0 without a memory cgroup).
    public func memoryUsage() -> UInt64 {
        (try? cgroup().memoryUsage()) ?? 0
    }

    /// Sets the memory cgroup's limit in bytes (`nil`: none), at once.
    public func setMemoryLimit(_ bytes: Int64?) throws(VirError) {
        try cgroup().setMemoryLimit(bytes)
    }

    /// The CPU time the context has used, in nanoseconds: the cpuacct cgroup's, if it has one,
    /// else its live processes' user and system time.
    public func cpuTime() -> UInt64 {
        if record.controllerSet.contains(.cpuacct), let usage = try? cgroup().cpuUsageNanoseconds() { return usage }
        return ((try? cgroup().processes()) ?? []).reduce(UInt64(0)) { sum, pid in
            sum + ((try? ProcessStat.read(pid: pid).cpuNanoseconds) ?? 0)
        }
    }
}
