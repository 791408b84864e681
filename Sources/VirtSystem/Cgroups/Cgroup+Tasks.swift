#if canImport(Glibc)
import Glibc
#endif
import VirtError

extension Cgroup {
    /// The `cgroup.procs` file of every hierarchy of the cgroup. A spawner writes a child's
    /// pid (as decimal text, one `write(2)` per file) into each before the child execs.
    public var procsFiles: [String] { members.map { $0.directory + "/cgroup.procs" } }

    /// Moves process `pid` (all its threads) into the cgroup in every hierarchy.
    public func attach(pid: Int32) throws(VirError) {
        guard pid > 0 else {
            throw VirError(.invalidArg, "cannot attach pid \(pid) to cgroup '\(path)': pids are positive", domain: .cgroup)
        }
        for file in procsFiles {
            try CgroupFile.write(String(pid), to: file)
        }
    }

    /// The processes in the cgroup (`cgroup.procs` of its first hierarchy).
    public func processes() throws(VirError) -> [Int32] {
        try CgroupFile.readNumbers(members[0].directory + "/cgroup.procs")
    }

    /// The threads in the cgroup (v1 `tasks`, v2 `cgroup.threads`, of its first hierarchy).
    public func threads() throws(VirError) -> [Int32] {
        try CgroupFile.readNumbers(members[0].directory + "/" + members[0].backend.threadsFile)
    }

    /// Sets the maximum number of tasks (`pids.max`); nil removes the limit.
    public func setPidsLimit(_ limit: Int64?) throws(VirError) {
        let value = try CgroupLimit(limit, what: "pids limit")
        try CgroupFile.write(value.text(unlimited: "max"), to: try member(.pids).directory + "/pids.max")
    }

    /// The number of tasks in the cgroup (`pids.current`).
    public func pidsCurrent() throws(VirError) -> UInt64 {
        try CgroupFile.readNumber(try member(.pids).directory + "/pids.current")
    }

    /// Kills every process of the cgroup, atomically against forks: with v2 `cgroup.kill`
    /// where the kernel has it, otherwise by freezing, sending SIGKILL to each process and
    /// thawing. It does not wait for the processes to be reaped. Without `cgroup.kill` this
    /// needs the freezer controller, and throws `.operationUnsupported` if it is missing. If
    /// freezing times out, the processes are still signalled and thawed, then the timeout is thrown.
    public func killAll(freezeTimeout: Duration = .seconds(1)) throws(VirError) {
        for member in members where member.backend.hierarchy.version == .v2 {
            if try member.backend.killAllNatively(in: member.directory) { return }
        }
        let freezer = try member(.freezer)
        try freezer.backend.setFrozen(true, in: freezer.directory)
        var firstError: VirError?
        do {
            try freezer.backend.waitUntilFrozen(in: freezer.directory, deadline: .now + freezeTimeout)
        } catch {
            firstError = error
        }
        do {
            for pid in try CgroupFile.readNumbers(freezer.directory + "/cgroup.procs")
            where kill(pid, SIGKILL) != 0 && errno != ESRCH {
                firstError = firstError ?? CgroupFile.failure("cannot kill process \(pid) of cgroup '\(path)'")
            }
        } catch {
            firstError = firstError ?? error
        }
        try freezer.backend.setFrozen(false, in: freezer.directory)
        if let firstError { throw firstError }
    }
}
