import CVirtShim
import Glibc
import VirtError

/// Starts processes in new namespaces, the only way VirtSystem creates processes.
///
/// The child is made by `clone3` and runs C code that makes raw system calls only (see
/// CVirtShim's `cvs_spawn_start`); it never runs Swift. The parent writes uid/gid maps
/// and cgroup membership (the child waits for the maps before its first step, and for the
/// cgroups before execve, doing its mounts and the rest meanwhile), then releases it and
/// waits until it has exec'd or reported which step failed. No `fork()`, no `setns()` in
/// this process.
public enum Spawner {
    /// Starts `plan`'s program and returns once it has exec'd. With
    /// ``SpawnPlan/joinNamespaces``, the process enters the namespaces of a running one
    /// (what "enter a running container" is) without this process ever calling `setns`.
    ///
    /// Blocks the calling thread for the child's setup (well under a millisecond for a
    /// plain container start). On failure nothing is left behind: the children are reaped and
    /// the error names the failing step, e.g. `"execve /nonexistent: No such file or
    /// directory"`.
    ///
    /// - Parameter whileChildPrepares: work of the caller's that must be done before the
    ///   program runs, done while the child does its own steps (for example creating the
    ///   cgroups of ``SpawnPlan/cgroupProcsFiles``), and given the child's pid. If it throws,
    ///   the child is killed and reaped and the error is rethrown.
    public static func spawn(_ plan: SpawnPlan, whileChildPrepares: ((pid_t) throws(VirError) -> Void)? = nil) throws(VirError) -> ChildProcess {
        try plan.validate()
        let lastCapability = plan.boundingSet == nil ? nil : try CapabilitySet.kernelLast()
        let memory = CMemory()
        defer { withExtendedLifetime(memory) {} }
        let spec = plan.cSpec(in: memory, lastCapability: lastCapability, parentHasWork: whileChildPrepares != nil)
        var child = cvs_child()
        try Syscall.call("clone3 for \(plan.arguments[0])") { cvs_spawn_start(spec, &child) }
        defer { cvs_spawn_end(&child) }
        do {
            try prepare(child.pid, for: plan, whileChildPrepares)
        } catch {
            abandon(child)
            throw error
        }
        var report = cvs_report()
        var listener: Int32 = -1
        let failure: VirError
        switch cvs_spawn_finish(&child, &report, &listener) {
        case 0:
            if let process = takeOver(child, listener: listener, joinedPid: plan.joinsPidNamespace) { return process }
            failure = VirError(.internalError, "spawn of \(plan.arguments[0]): no process was reported from the joined pid namespace", domain: .none)
        case 1 where report.step == Int32(CVS_STEP_DIED.rawValue):
            failure = VirError(.systemError, "spawn of \(plan.arguments[0]): the child ended before it could exec (\(endOfSilentChild(child)))", domain: .none)
        case 1:
            failure = plan.failure(report)
        default:
            failure = Syscall.error("read the spawn report of \(plan.arguments[0])", errno: errno)
        }
        if listener >= 0 { close(listener) }
        abandon(child)
        throw failure
    }

    /// The process that exec'd: the child itself, or, after joining a pid namespace, the
    /// process it made there (also our child), once the intermediate child is reaped. `nil`
    /// if that process was never reported; nothing is changed then.
    private static func takeOver(_ child: cvs_child, listener: Int32, joinedPid: Bool) -> ChildProcess? {
        let seccompListener = listener >= 0 ? listener : nil
        guard joinedPid else { return ChildProcess(pid: child.pid, pidfd: child.pidfd, seccompListener: seccompListener) }
        guard child.joined_pidfd >= 0 else { return nil }
        // The intermediate child exits right after its report, so this wait is short.
        reap(pidfd: child.pidfd)
        return ChildProcess(pid: child.joined_pid, pidfd: child.joined_pidfd, seccompListener: seccompListener)
    }

    /// What the parent does before it releases the child: id maps, the caller's work, then
    /// cgroup membership (which a process the child makes in a joined pid namespace inherits).
    private static func prepare(_ pid: pid_t, for plan: SpawnPlan, _ callersWork: ((pid_t) throws(VirError) -> Void)?) throws(VirError) {
        if let map = plan.uidMap { try SystemFile.write("/proc/\(pid)/uid_map", map) }
        if let map = plan.gidMap { try SystemFile.write("/proc/\(pid)/gid_map", map) }
        try callersWork?(pid)
        for file in plan.cgroupProcsFiles { try SystemFile.write(file, "\(pid)") }
    }

    /// How the child that had to exec ended (it has, since its end of the channel closed),
    /// asked without reaping it: "killed by signal 9", …
    private static func endOfSilentChild(_ child: cvs_child) -> String {
        let pidfd = child.joined_pidfd >= 0 ? child.joined_pidfd : child.pidfd
        var code: Int32 = 0, value: Int32 = 0
        guard cvs_pidfd_wait(pidfd, WNOWAIT, &code, &value) == 0, let status = ExitStatus(waitCode: code, value: value) else { return "status unknown" }
        return status.description
    }

    /// Kills and reaps a child that will not exec, and the process it made in a joined pid
    /// namespace, if any. The wait is short: each has either reported its failure and is
    /// exiting, or is blocked before its first step.
    private static func abandon(_ child: cvs_child) {
        for pidfd in [child.joined_pidfd, child.pidfd] where pidfd >= 0 {
            _ = cvs_pidfd_send_signal(pidfd, SIGKILL)
            reap(pidfd: pidfd)
        }
    }

    /// Waits for the child behind `pidfd` to exit, reaps it and closes `pidfd`.
    private static func reap(pidfd: Int32) {
        var code: Int32 = 0, status: Int32 = 0
        _ = try? Syscall.call("reap a spawned child") { cvs_pidfd_wait(pidfd, 0, &code, &status) }
        close(pidfd)
    }
}

extension SpawnPlan {
    /// Whether the child joins a pid namespace, so that the process that execs is another.
    var joinsPidNamespace: Bool { joinNamespaces?.namespaces.contains(.pid) ?? false }
}
