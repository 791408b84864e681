import Dispatch
import Glibc
import Synchronization
import VirtSystem

/// Threads for calls that may block the thread they run on (a container's start waits for
/// its keeper; opening a driver reads its state): libvirtd's worker pool. Threads are made
/// as calls need them, up to ``limit``, and stay for the next calls.
final class WorkerPool: TaskExecutor, Sendable {
    /// libvirtd's `max_workers` default.
    static let limit = 20

    private struct State: ~Copyable {
        var jobs: [UnownedJob] = []
        var head = 0
        var threads = 0
        var idle = 0
    }
    private let state = Mutex(State())
    private let available = DispatchSemaphore(value: 0)

    init() {}

    /// Queues `job` for the next free worker, starting one if none is free.
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let startThread = state.withLock { state in
            state.jobs.append(job)
            if state.idle > 0 {
                state.idle -= 1  // a waiting worker takes it
                return false
            }
            guard state.threads < Self.limit else { return false }  // the first worker done takes it
            state.threads += 1
            return true
        }
        if startThread { spawnWorker() }
        available.signal()
    }

    private func spawnWorker() {
        try? DetachedThread.start { [self] in work() }
    }

    /// A worker's life: one job per signal of ``available``, which counts the queued jobs.
    private func work() {
        while true {
            available.wait()
            let job = state.withLock { state in
                defer {
                    state.head += 1
                    if state.head == state.jobs.count {
                        state.jobs.removeAll(keepingCapacity: true)
                        state.head = 0
                    }
                }
                return state.jobs[state.head]
            }
            job.runSynchronously(on: asUnownedTaskExecutor())
            state.withLock { $0.idle += 1 }
        }
    }
}
