import FoundationEssentials
import VirtError
import VirtSystem

#if canImport(Glibc)
import Glibc
#endif

extension Context {
    /// Corresponds to `vx_kill`: `pid` 0 signals every process of the context, atomically
    /// against forks (freeze, signal, thaw); 1 signals the context's init (which passes it on
    /// to the first process); any other pid must be one of the context's processes.
    public func kill(pid: Int32, signal: Int32) throws(VirError) {
        guard (0...64).contains(signal) else { throw VirError.invalidArg("invalid signal \(signal)") }
        switch pid {
        case 0:
            let group = try cgroup()
            let wasFrozen = flags().contains(.schedPause)
            if !wasFrozen { try group.freeze() }
            var failure: VirError?
            for member in (try? group.processes()) ?? [] where Glibc.kill(member, signal) != 0 && errno != ESRCH {
                failure = Syscall.error("kill \(member)", errno: errno)
            }
            if !wasFrozen { try group.thaw() }
            if let failure { throw failure }
        case 1:
            _ = try Syscall.call("kill \(record.initPID)") { Glibc.kill(record.initPID, signal) }
        default:
            guard pid > 0, try system.taskXID(pid: pid) == xid else {
                throw VirError.invalidArg("process \(pid) is not in security context \(xid)")
            }
            _ = try Syscall.call("kill \(pid)") { Glibc.kill(pid, signal) }
        }
    }

    /// Corresponds to `vx_wait`: waits until the context has died, then reports how its first
    /// process ended and what reboot(2), if anything, asked for. Works from any process; the
    /// context's cgroups are removed once it is gone.
    public func wait() async throws(VirError) -> ContextExit {
        if let adopted = try? ChildProcess(adopting: record.initPID, startTime: record.initStartTime) {
            _ = try await adopted.wait()
        }
        return try ended()
    }

    /// The end of a context whose init has exited, as its init recorded it.
    func ended() throws(VirError) -> ContextExit {
        var exit = ContextExit()
        let words = (store.read(xid, "status") ?? "").split(separator: " ")
        if words.count == 2, let value = Int32(words[1].trimmedLine) {
            if words[0] == "exit" { exit.exitCode = value } else { exit.signal = value }
        }
        exit.reboot = store.read(xid, "reboot").flatMap { ContextExit.RebootCommand(rawValue: $0.trimmedLine) }
        if exit.exitCode == nil && exit.signal == nil && exit.reboot == nil {
            // The init itself was killed (or the kernel ended the pid namespace): it wrote nothing.
            exit.signal = SIGKILL
        }
        system.removeCgroups(of: xid)
        return exit
    }
}
