import Dispatch
import Synchronization

/// A task executor whose jobs run on the thread that called ``run(_:)``: one per client
/// thread, reused for every call. Work that never suspends runs right there, without a
/// thread switch; work that hops elsewhere (to an actor) comes back when it resumes. Only for
/// threads outside Swift's pool: a pool thread blocked here would starve the tasks it waits for.
final class CallingThreadExecutor: TaskExecutor, Sendable {
    private struct Queue: ~Copyable {
        var jobs: [UnownedJob] = []
        var finished = false
    }
    private let queue = Mutex(Queue())
    private let wake = DispatchSemaphore(value: 0)

    /// Runs `body` with the calling thread as its executor, and blocks until `body` ends.
    func run<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
        let result = Mutex<T?>(nil)
        queue.withLock { $0.finished = false }
        Task(executorPreference: self) {
            let value = await body()
            result.withLock { $0 = value }
            self.finish()
        }
        runUntilFinished()
        return result.withLock { $0! }
    }

    /// Queues `job` for the running thread.
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.withLock { $0.jobs.append(job) }
        wake.signal()
    }

    private func finish() {
        queue.withLock { $0.finished = true }
        wake.signal()
    }

    /// Runs jobs as they come until ``finish()``.
    private func runUntilFinished() {
        while true {
            wake.wait()
            while let job = queue.withLock({ $0.jobs.isEmpty ? nil : $0.jobs.removeFirst() }) {
                job.runSynchronously(on: asUnownedTaskExecutor())
            }
            if queue.withLock({ $0.finished }) { return }
        }
    }
}
