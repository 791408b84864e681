import CVirtShim
import Glibc
import Synchronization
import VirtError

/// A running process, held by a pidfd: a child made by ``Spawner``, or any process
/// adopted by pid (for example after a daemon restart).
///
/// A pidfd always names the same process, even after its pid is reused, so signalling and
/// waiting through it is race-free. Dropping the last reference to a child that was not
/// waited for hands it to a background reaper: it leaves no zombie.
public final class ChildProcess: Sendable {
    /// The process id, in this process's pid namespace.
    public let pid: pid_t
    /// The pidfd (close-on-exec), owned by this object.
    public let pidfd: Int32
    /// The seccomp user-notification listener of the spawn, if a program asked for one and
    /// it was not taken (``takeSeccompListener()``). The caller owns it and closes it when it
    /// stops answering notifications.
    public var seccompListener: Int32? { listener.withLock { $0 } }

    private let listener: Mutex<Int32?>
    private let status = Mutex<ExitStatus?>(nil)
    /// When the process was first seen exited but not yet reaped by its parent (not us).
    private let exitedUnreaped = Mutex<ContinuousClock.Instant?>(nil)

    init(pid: pid_t, pidfd: Int32, seccompListener: Int32?) {
        self.pid = pid
        self.pidfd = pidfd
        self.listener = Mutex(seccompListener)
    }

    /// Takes the seccomp listener out of this object, for example to hand it to the process
    /// that answers the notifications; ``seccompListener`` is `nil` afterwards. The caller
    /// owns the descriptor.
    public func takeSeccompListener() -> Int32? {
        listener.withLock { listener in
            defer { listener = nil }
            return listener
        }
    }

    /// Adopts the running process `pid`, which need not be our child.
    ///
    /// - Parameter identity: if given, the process's identity recorded earlier; adoption
    ///   fails if `pid` now names another process.
    public convenience init(adopting pid: pid_t, identity: ProcessIdentity? = nil) throws(VirError) {
        let pidfd = try Pidfd.open(pid)
        // Checked after opening the pidfd: if it still matches, the pidfd names the process
        // that was recorded.
        if let identity, !identity.matches(pidfd: pidfd, pid: pid) {
            close(pidfd)
            throw VirError(.operationFailed, "process \(pid) is no longer the one recorded (\(identity))")
        }
        self.init(pid: pid, pidfd: pidfd, seccompListener: nil)
    }

    /// What tells this process from a later one with the same pid.
    public func identity() throws(VirError) -> ProcessIdentity {
        try ProcessIdentity.of(pidfd: pidfd, pid: pid)
    }

    deinit {
        // An adopted process that is not our child has nothing to reap: don't keep its pidfd
        // open until it exits. (WNOWAIT: this only asks.)
        var code: Int32 = 0, value: Int32 = 0
        let ours = cvs_pidfd_wait(pidfd, WNOHANG | WNOWAIT, &code, &value) == 0 || errno != ECHILD
        if status.withLock({ $0 }) == nil && ours {
            PidfdWatcher.shared.reapInBackground(pidfd)
        } else {
            close(pidfd)
        }
    }

    /// Waits until the process exits, and reaps it if it is our child. Waiting happens on
    /// a dedicated thread, never on the cooperative pool. Several tasks may wait at once;
    /// all get the same status.
    ///
    /// - Throws: `VIR_ERR_OPERATION_ABORTED` if the task is cancelled first.
    public func wait() async throws(VirError) -> ExitStatus {
        while true {
            if let status = try exitStatus() { return status }
            if exitedUnreaped.withLock({ $0 }) != nil {
                // Someone else's child that has exited: its status comes once it is reaped.
                do { try await Task.sleep(for: Self.reapCheckInterval) } catch {
                    throw VirError(.operationAborted, "wait for process \(pid) cancelled")
                }
                continue
            }
            guard try await PidfdWatcher.shared.waitForExit(pidfd) else {
                throw VirError(.operationAborted, "wait for process \(pid) cancelled")
            }
        }
    }

    /// Waits as ``wait()`` does, but at most `bound`: the exit status, or nil if the process
    /// still runs then (or the wait failed).
    public func wait(upTo bound: Duration) async -> ExitStatus? {
        await withTaskGroup(of: ExitStatus?.self) { group in
            group.addTask { try? await self.wait() }
            group.addTask {
                try? await Task.sleep(for: bound)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    /// The exit status if the process has exited (reaping it if it is our child), or `nil`
    /// if it is still running. Never blocks.
    public func exitStatus() throws(VirError) -> ExitStatus? {
        try status.withLock { (status) throws(VirError) -> ExitStatus? in
            if let status { return status }
            var code: Int32 = 0, value: Int32 = 0
            guard cvs_pidfd_wait(pidfd, WNOHANG, &code, &value) == 0 else {
                let error = errno
                guard error == ECHILD else { throw Syscall.error("waitid \(pid)", errno: error) }
                status = try exitStatusOfOthersChild()
                return status
            }
            status = ExitStatus(waitCode: code, value: value)
            return status
        }
    }

    /// The status of a process that is not our child: `nil` while it runs; once it has exited,
    /// what the kernel tells whoever holds a pidfd after its parent reaped it (Linux 6.15), or
    /// ``ExitStatus/unavailable`` if the kernel keeps nothing or nobody reaps it within
    /// ``reapPatience``.
    private func exitStatusOfOthersChild() throws(VirError) -> ExitStatus? {
        var poll = pollfd(fd: pidfd, events: Int16(POLLIN), revents: 0)
        guard try Syscall.call("poll pidfd of \(pid)", { Glibc.poll(&poll, 1, 0) }) == 1 else { return nil }
        var raw: Int32 = 0
        switch cvs_pidfd_exit_status(pidfd, &raw) {
        case 1:
            let signal = raw & 0x7F
            return signal == 0 ? .exited((raw >> 8) & 0xFF) : .signaled(signal, coreDumped: raw & 0x80 != 0)
        case 0:
            let now = ContinuousClock.now
            let since = exitedUnreaped.withLock { since in
                if since == nil { since = now }
                return since ?? now
            }
            return now - since < Self.reapPatience ? nil : .unavailable
        default:
            return .unavailable
        }
    }

    /// Whether the kernel tells the holder of a pidfd how a process that is not its child
    /// ended, once its parent has reaped it (`PIDFD_INFO_EXIT`, Linux 6.15).
    public static let kernelKeepsExitStatus = KernelVersion.running.isAtLeast(6, 15)

    /// How long ``wait()`` waits for the parent of a process that is not our child to reap
    /// it (an init that reaps orphans late takes a second or two), and how often it looks.
    static let reapPatience = Duration.seconds(5)
    static let reapCheckInterval = Duration.milliseconds(20)

    /// Sends `signal` to the process (`pidfd_send_signal`).
    public func signal(_ signal: Int32) throws(VirError) {
        try Syscall.call("send signal \(signal) to process \(pid)") { cvs_pidfd_send_signal(pidfd, signal) }
    }
}
