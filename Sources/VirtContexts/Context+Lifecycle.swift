import FoundationEssentials
import VirtError
import VirtSystem

#if canImport(Glibc)
import Glibc
#endif

extension Context {
    /// Corresponds to `vx_kill`: `pid` 0 signals every process of the context, atomically
    /// against forks (freeze, signal, thaw; SIGKILL also thaws a frozen context, whose
    /// processes could not die otherwise); 1 signals the context's init (its first process,
    /// or the one VXM_SET_INIT designated: as for any pid 1, the kernel delivers it only the
    /// signals it handles, and SIGKILL); any other pid must be one of the context's processes.
    public func kill(pid: Int32, signal: Int32) throws(VirError) {
        guard (0...64).contains(signal) else { throw VirError.invalidArg("invalid signal \(signal)") }
        switch pid {
        case 0:
            let group = try cgroup()
            let wasFrozen = flags().contains(.schedPause)
            if !wasFrozen {
                do {
                    try group.freeze()
                } catch {
                    // A task stuck in the kernel (uninterruptible I/O) delays the freezer, which
                    // then gives up thawed; SIGKILL still gets through, in rounds.
                    guard signal == SIGKILL else { throw error }
                    return try killInRounds(group)
                }
            }
            var failure: VirError?
            for member in (try? group.processes()) ?? [] where Glibc.kill(member, signal) != 0 && errno != ESRCH {
                failure = Syscall.error("kill \(member)", errno: errno)
            }
            if !wasFrozen {
                try group.thaw()
            } else if signal == SIGKILL {
                // A frozen process never dies: killing them all ends the pause too.
                try setFlags([], mask: .schedPause)
            }
            if let failure { throw failure }
        case 1:
            let initPID = info().initPID
            _ = try Syscall.call("kill \(initPID)") { Glibc.kill(initPID, signal) }
        default:
            guard pid > 0, try system.taskXID(pid: pid) == xid else {
                throw VirError.invalidArg("process \(pid) is not in security context \(xid)")
            }
            _ = try Syscall.call("kill \(pid)") { Glibc.kill(pid, signal) }
        }
    }

    /// SIGKILLs every process of `group` without freezing it: round after round until a round
    /// finds none it had not killed already, so that a process forked during a round dies in
    /// the next (a killed process forks no more).
    private func killInRounds(_ group: Cgroup) throws(VirError) {
        var killed = Set<Int32>()
        for _ in 0..<100 {
            let fresh = Set((try? group.processes()) ?? []).subtracting(killed)
            guard !fresh.isEmpty else { return }
            for member in fresh where Glibc.kill(member, SIGKILL) != 0 && errno != ESRCH {
                throw Syscall.error("kill \(member)", errno: errno)
            }
            killed.formUnion(fresh)
        }
        throw VirError(.operationFailed, "security context \(xid) keeps forking faster than it can be killed", domain: .none)
    }

    /// Corresponds to `vx_wait`: waits until the context has died, then reports how its first
    /// process ended and what reboot(2), if anything, asked for. Works from any process; the
    /// context's cgroups are removed once it is gone.
    ///
    /// The first process's end comes from reaping it (when it is the caller's child), from
    /// the kernel once its parent reaped it (Linux 6.15), or from the `status` the keeper
    /// recorded; with none of those, ``ContextExit/exitCode`` and ``ContextExit/signal`` are
    /// `nil`.
    public func wait() async throws(VirError) -> ContextExit {
        var first: ExitStatus?
        if let adopted = try? ChildProcess(adopting: record.initPID, identity: record.initIdentity) {
            first = try await adopted.wait()
        }
        return try await wait(firstProcessEnded: first)
    }

    /// The rest of ``wait()``, once the first process has ended with `first` (if known).
    func wait(firstProcessEnded first: ExitStatus?) async throws(VirError) -> ContextExit {
        // Without a pid namespace of its own, a context outlives its first process while it
        // has others; the kernel sends no event when a v1 cgroup empties, so look. With one,
        // the first process was its init, whose end took every other process with it.
        let outlivesFirstProcess = first == nil || !namespaces.contains(.pid)
        while outlivesFirstProcess && system.isAlive(record) {
            do { try await Task.sleep(for: .milliseconds(10)) } catch {
                throw VirError(.operationAborted, "vx_wait for security context \(xid) cancelled", domain: .none)
            }
        }
        return ended(firstProcessEnded: first)
    }

    /// The end of a context that has no process left: its first process's end as recorded
    /// (by the init of a persistent context, the keeper or an earlier waiter), else `first`,
    /// which is then recorded for later waiters.
    func ended(firstProcessEnded first: ExitStatus? = nil) -> ContextExit {
        var exit = ContextExit()
        let words = (store.read(xid, "status") ?? "").split(separator: " ")
        if words.count == 2, let value = Int32(words[1].trimmedLine) {
            if words[0] == "exit" { exit.exitCode = value } else { exit.signal = value }
        } else if let first {
            switch first {
            case .exited(let code): exit.exitCode = code
            case .signaled(let signal, _): exit.signal = signal
            case .unavailable: break
            }
            if let text = exit.statusText { try? store.write(xid, "status", text) }
        }
        exit.reboot = store.read(xid, "reboot").flatMap { ContextExit.RebootCommand(rawValue: $0.trimmedLine) }
        exit.oomKills = (try? cgroup().oomKillCount()) ?? 0
        system.removeCgroups(of: record)
        return exit
    }
}

extension ContextExit {
    /// The `status` file's text ("exit N" or "signal N"), if the end is known.
    var statusText: String? {
        if let exitCode { return "exit \(exitCode)\n" }
        if let signal { return "signal \(signal)\n" }
        return nil
    }
}
