import CVirtShim
import Glibc
import VirtError

/// Starts processes in new namespaces, the only way VirtSystem creates processes.
///
/// The child is made by `clone3` and runs C code that makes raw system calls only (see
/// CVirtShim's `cvs_spawn_start`); it never runs Swift. The parent writes uid/gid maps
/// and cgroup membership while the child waits, then releases it and waits until it has
/// exec'd or reported which step failed. No `fork()`, no `setns()` in this process.
public enum Spawner {
    /// Starts `plan`'s program and returns once it has exec'd.
    ///
    /// Blocks the calling thread for the child's setup (well under a millisecond for a
    /// plain container start). On failure nothing is left behind: the child is reaped and
    /// the error names the failing step, e.g. `"execve /nonexistent: No such file or
    /// directory"`.
    public static func spawn(_ plan: SpawnPlan) throws(VirError) -> ChildProcess {
        try plan.validate()
        let lastCapability = plan.boundingSet == nil ? nil : try CapabilitySet.kernelLast()
        let memory = CMemory()
        defer { withExtendedLifetime(memory) {} }
        let spec = plan.cSpec(in: memory, lastCapability: lastCapability)
        var child = cvs_child()
        try Syscall.call("clone3 for \(plan.arguments[0])") { cvs_spawn_start(spec, &child) }
        defer { cvs_spawn_end(&child) }
        do {
            try prepare(child.pid, for: plan)
        } catch {
            abandon(child)
            throw error
        }
        var report = cvs_report()
        var listener: Int32 = -1
        switch cvs_spawn_finish(&child, &report, &listener) {
        case 0:
            return ChildProcess(pid: child.pid, pidfd: child.pidfd, seccompListener: listener >= 0 ? listener : nil)
        case 1:
            if listener >= 0 { close(listener) }
            abandon(child)
            throw plan.failure(report)
        default:
            let error = Syscall.error("read the spawn report of \(plan.arguments[0])", errno: errno)
            if listener >= 0 { close(listener) }
            abandon(child)
            throw error
        }
    }

    /// What the parent does while the child waits: id maps, then cgroup membership.
    private static func prepare(_ pid: pid_t, for plan: SpawnPlan) throws(VirError) {
        if let map = plan.uidMap { try SystemFile.write("/proc/\(pid)/uid_map", map) }
        if let map = plan.gidMap { try SystemFile.write("/proc/\(pid)/gid_map", map) }
        for file in plan.cgroupProcsFiles { try SystemFile.write(file, "\(pid)") }
    }

    /// Kills and reaps a child that will not exec. The wait is short: the child has either
    /// reported its failure and is exiting, or it is blocked before its first step.
    private static func abandon(_ child: cvs_child) {
        _ = cvs_pidfd_send_signal(child.pidfd, SIGKILL)
        var code: Int32 = 0, status: Int32 = 0
        _ = try? Syscall.call("reap \(child.pid)") { cvs_pidfd_wait(child.pidfd, 0, &code, &status) }
        close(child.pidfd)
    }
}
