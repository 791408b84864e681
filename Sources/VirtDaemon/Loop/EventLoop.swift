import Glibc
import Logging
import Synchronization
import VirtError
import VirtSystem

/// Something the loop watches: a listener, a client's socket, a stream's descriptor. Its
/// methods run on the loop thread.
protocol LoopHandler: AnyObject {
    /// The descriptor it was registered with is ready.
    func ready(_ event: EventPoll.Event)
    /// About once a second, while it is in the loop's ticking set (``EventLoop/startTicking(_:)``).
    func tick(now: ContinuousClock.Instant)
}

extension LoopHandler {
    func tick(now: ContinuousClock.Instant) {}
}

/// virtd's one I/O thread, like libvirtd's event loop: it waits on every descriptor at
/// once (epoll), and is also a task executor, so a call that never blocks runs right on it,
/// with no thread switch; a call that suspends gives the thread back until it resumes here.
///
/// When it has just answered a call, it polls without sleeping for up to ``busyPoll``
/// before it sleeps, but only while clients answer within that time: on a virtual machine a
/// sleeping CPU takes tens of microseconds to wake, longer than a call takes. A client that
/// pauses longer turns the polling off until one answers quickly again.
///
/// Everything but ``execute(_:)``, ``enqueue(_:)`` and ``start()`` is for the loop thread only.
final class EventLoop: TaskExecutor, @unchecked Sendable {
    private enum Work {
        case job(UnownedJob)
        case closure(@Sendable () -> Void)
    }
    /// How long it polls for the next call after answering one; zero: never.
    let busyPoll: Duration
    private let poll: EventPoll
    private let wake: WakeSignal
    private let inbox = Mutex<[Work]>([])
    private let thread = Atomic<UInt>(0)
    private static let wakeToken: UInt64 = 0
    private static let logger = Logger(label: "swiftvirt.virtd.loop")

    // Touched on the loop thread only.
    private var handlers: [UInt64: LoopHandler] = [:]
    private var ticking: [UInt64: LoopHandler] = [:]
    private var lastToken: UInt64 = 0
    private var nextTick = ContinuousClock.now
    private var answeredAt: ContinuousClock.Instant?
    private var clientsAreQuick = false
    /// One read buffer for every client: what a read brings goes straight to the client's
    /// frame reader.
    var readBuffer = [UInt8](repeating: 0, count: 65536)

    init(busyPoll: Duration) throws(VirError) {
        self.busyPoll = busyPoll
        poll = try EventPoll()
        wake = try WakeSignal()
        try poll.add(wake.descriptor, token: Self.wakeToken, interest: .readable)
    }

    /// Runs the loop on a thread of its own, for good.
    func start() {
        do {
            try DetachedThread.start { [self] in run() }
        } catch {
            preconditionFailure("cannot start virtd's event loop thread: \(error.message)")
        }
    }

    /// Whether the caller runs on the loop thread.
    var isCurrent: Bool { thread.load(ordering: .relaxed) == UInt(pthread_self()) }

    /// Runs `body` on the loop thread: now, if the caller is on it; otherwise as soon as
    /// the loop wakes.
    func execute(_ body: @escaping @Sendable () -> Void) {
        if isCurrent { body() } else { post(.closure(body)) }
    }

    /// Runs a task's job on the loop thread (TaskExecutor).
    func enqueue(_ job: consuming ExecutorJob) {
        post(.job(UnownedJob(job)))
    }

    private func post(_ work: Work) {
        let wasEmpty = inbox.withLock { inbox in
            defer { inbox.append(work) }
            return inbox.isEmpty
        }
        // The loop drains its inbox before it sleeps: only a sleeping loop needs the signal.
        if wasEmpty && !isCurrent { wake.signal() }
    }

    // MARK: on the loop thread

    /// Watches `fd` for `interest` on behalf of `handler`; the token names it from now on.
    func register(_ fd: Int32, interest: EventPoll.Interest, handler: LoopHandler) throws(VirError) -> UInt64 {
        lastToken += 1
        try poll.add(fd, token: lastToken, interest: interest)
        handlers[lastToken] = handler
        return lastToken
    }

    /// Watches `fd`, registered as `token` and watched for `old`, for `new` instead. A
    /// descriptor watched for nothing leaves the epoll set, which would otherwise report its
    /// hang-up again and again.
    func change(_ fd: Int32, token: UInt64, from old: EventPoll.Interest, to new: EventPoll.Interest) {
        guard old != new else { return }
        do throws(VirError) {
            if new.isEmpty {
                poll.remove(fd)
            } else if old.isEmpty {
                try poll.add(fd, token: token, interest: new)
            } else {
                try poll.modify(fd, token: token, interest: new)
            }
        } catch {
            Self.logger.error("\(error.message)")
        }
    }

    /// Stops watching `fd`, registered as `token`. Call it before closing `fd`.
    func deregister(_ fd: Int32, token: UInt64) {
        poll.remove(fd)
        handlers[token] = nil
        ticking[token] = nil
    }

    /// Calls `handler.tick` about once a second until ``stopTicking(_:)``.
    func startTicking(_ token: UInt64) {
        if let handler = handlers[token] { ticking[token] = handler }
    }

    /// Ends ``startTicking(_:)``.
    func stopTicking(_ token: UInt64) { ticking[token] = nil }

    /// A call was just answered: poll a while for the next one before sleeping.
    func noteAnswer() { answeredAt = .now }

    private func run() {
        thread.store(UInt(pthread_self()), ordering: .relaxed)
        var ready = EventPoll.ReadyEvents()
        while true {
            drainInbox()
            do throws(VirError) {
                try waitForEvents(&ready)
            } catch {
                Self.logger.critical("\(error.message)")
                return
            }
            for index in 0..<ready.count {
                let event = ready[index]
                if event.token == Self.wakeToken { wake.clear() } else { handlers[event.token]?.ready(event) }
            }
            let now = ContinuousClock.now
            if !ticking.isEmpty && now >= nextTick {
                nextTick = now + .seconds(1)
                for handler in ticking.values { handler.tick(now: now) }
            }
        }
    }

    private func drainInbox() {
        while true {
            let work = inbox.withLock { inbox in
                defer { inbox.removeAll(keepingCapacity: true) }
                return inbox
            }
            if work.isEmpty { return }
            for item in work {
                switch item {
                case .job(let job): job.runSynchronously(on: asUnownedTaskExecutor())
                case .closure(let body): body()
                }
            }
        }
    }

    /// Fills `ready`: polling for ``busyPoll`` first when a call was just answered and
    /// clients have been quick, then sleeping until something is ready or a tick is due.
    private func waitForEvents(_ ready: inout EventPoll.ReadyEvents) throws(VirError) {
        if let answered = answeredAt, clientsAreQuick {
            answeredAt = nil
            let until = answered + busyPoll
            var polls = 0
            repeat {
                try poll.wait(into: &ready, timeout: 0)
                if ready.count > 0 { return }
                polls += 1
                if polls % 8 == 0 { sched_yield() }  // a client on this CPU runs first
            } while ContinuousClock.now < until
            clientsAreQuick = false
        }
        var timeout: Int32 = -1
        if !ticking.isEmpty {
            let remaining = ContinuousClock.now.duration(to: nextTick)
            timeout = max(0, Int32(remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000) + 1)
        }
        try poll.wait(into: &ready, timeout: timeout)
        if let answered = answeredAt, busyPoll > .zero {
            clientsAreQuick = answered.duration(to: .now) <= busyPoll
        }
        answeredAt = nil
    }
}
