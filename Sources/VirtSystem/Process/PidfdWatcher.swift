import CVirtShim
import Glibc
import Synchronization
import VirtError

/// One dedicated thread that waits, with epoll, for any number of pidfds to become
/// readable (their process exited) and resumes the tasks waiting for them.
///
/// Waiting never blocks a thread of Swift's cooperative pool. A pidfd whose `ChildProcess`
/// is dropped before it was waited for is kept here until the process exits, then reaped
/// and closed, so no zombie is left behind.
final class PidfdWatcher: Sendable {
    /// The process-wide watcher; its thread starts on first use.
    static let shared = PidfdWatcher()

    private enum Entry {
        case waiter(fd: Int32, CheckedContinuation<Bool, Never>)  // fd: our dup of the pidfd
        case reap(pidfd: Int32)
        case cancelledEarly
    }

    private let epoll: Int32
    private let state = Mutex<(next: UInt64, entries: [UInt64: Entry])>((1, [:]))

    private init() {
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        precondition(epoll >= 0, "epoll_create1 failed: \(String(cString: strerror(errno)))")
        do {
            try DetachedThread.start { [self] in run() }
        } catch {
            preconditionFailure("cannot start the pidfd watcher thread: \(error.message)")
        }
    }

    /// Suspends until the process behind `pidfd` has exited. Returns `false` if the task
    /// was cancelled first.
    func waitForExit(_ pidfd: Int32) async throws(VirError) -> Bool {
        // A dup of its own per wait: epoll takes each (file, fd) pair once, and several
        // tasks may wait for one process.
        let fd = try Syscall.call("dup pidfd") { fcntl(pidfd, F_DUPFD_CLOEXEC, 0) }
        let token = state.withLock { state in
            defer { state.next += 1 }
            return state.next
        }
        let readable = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                register(token, .waiter(fd: fd, continuation))
            }
        } onCancel: {
            finish(token, readable: false)
        }
        // A cancellation that raced with the exit may have left its marker.
        state.withLock { state in
            if case .cancelledEarly = state.entries[token] { state.entries[token] = nil }
        }
        return readable
    }

    /// Reaps the child behind `pidfd` once it exits, then closes `pidfd`.
    func reapInBackground(_ pidfd: Int32) {
        let token = state.withLock { state in
            defer { state.next += 1 }
            return state.next
        }
        register(token, .reap(pidfd: pidfd))
    }

    private func register(_ token: UInt64, _ entry: Entry) {
        let fd: Int32
        switch entry {
        case .waiter(let waiterFD, _): fd = waiterFD
        case .reap(let pidfd): fd = pidfd
        case .cancelledEarly: return
        }
        let added = state.withLock { state -> Bool in
            if case .cancelledEarly = state.entries[token] {
                state.entries[token] = nil
                return false
            }
            var event = epoll_event()
            event.events = EPOLLIN.rawValue | EPOLLONESHOT.rawValue
            event.data.u64 = token
            state.entries[token] = entry  // before epoll_ctl: the event may fire at once
            if epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event) == 0 { return true }
            state.entries[token] = nil
            return false
        }
        if !added { complete(entry, readable: false) }
    }

    /// Takes the entry for `token` (if still there) and completes it.
    private func finish(_ token: UInt64, readable: Bool) {
        let entry = state.withLock { state -> Entry? in
            guard let entry = state.entries.removeValue(forKey: token) else {
                if !readable { state.entries[token] = .cancelledEarly }  // cancelled before registered
                return nil
            }
            return entry
        }
        if let entry { complete(entry, readable: readable) }
    }

    private func complete(_ entry: Entry, readable: Bool) {
        switch entry {
        case .waiter(let fd, let continuation):
            epoll_ctl(epoll, EPOLL_CTL_DEL, fd, nil)
            close(fd)
            continuation.resume(returning: readable)
        case .reap(let pidfd):
            epoll_ctl(epoll, EPOLL_CTL_DEL, pidfd, nil)
            var code: Int32 = 0, status: Int32 = 0
            _ = cvs_pidfd_wait(pidfd, WNOHANG, &code, &status)
            close(pidfd)
        case .cancelledEarly:
            break
        }
    }

    private func run() {
        var events = [epoll_event](repeating: epoll_event(), count: 64)
        while true {
            let count = epoll_wait(epoll, &events, Int32(events.count), -1)
            if count < 0 { continue }  // EINTR; nothing else can fail on a valid epoll fd
            for event in events[0..<Int(count)] { finish(event.data.u64, readable: true) }
        }
    }
}
