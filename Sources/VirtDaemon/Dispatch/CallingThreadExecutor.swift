import Dispatch
import Synchronization

/// Runs `body` with the calling thread as its executor, and blocks until `body` ends.
/// Work that never suspends runs right here, without a thread switch; work that hops
/// elsewhere (to an actor) comes back here when it resumes. Only for threads outside
/// Swift's pool: a pool thread blocked here would starve the tasks it waits for.
func blockingAwait<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
    let executor = CallingThreadExecutor()
    let result = Mutex<T?>(nil)
    Task(executorPreference: executor) {
        let value = await body()
        result.withLock { $0 = value }
        executor.finish()
    }
    executor.runUntilFinished()
    return result.withLock { $0! }
}

/// A task executor whose jobs run on the one thread that called ``runUntilFinished()``.
final class CallingThreadExecutor: TaskExecutor, Sendable {
    private struct Queue: ~Copyable {
        var jobs: [UnownedJob] = []
        var finished = false
    }
    private let queue = Mutex(Queue())
    private let wake = DispatchSemaphore(value: 0)

    /// Queues `job` for the running thread.
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.withLock { $0.jobs.append(job) }
        wake.signal()
    }

    /// Lets ``runUntilFinished()`` return once the jobs queued so far have run.
    func finish() {
        queue.withLock { $0.finished = true }
        wake.signal()
    }

    /// Runs jobs as they come until ``finish()``.
    func runUntilFinished() {
        while true {
            wake.wait()
            while let job = queue.withLock({ $0.jobs.isEmpty ? nil : $0.jobs.removeFirst() }) {
                job.runSynchronously(on: asUnownedTaskExecutor())
            }
            if queue.withLock({ $0.finished }) { return }
        }
    }
}
