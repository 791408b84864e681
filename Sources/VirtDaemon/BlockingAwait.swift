import Dispatch
import Synchronization

/// Runs `body` on the Swift concurrency pool and blocks the calling thread until it ends.
/// Only for the daemon's client threads, which are not the pool's: a pool thread waiting
/// here could starve the very task it waits for.
func blockingAwait<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
    let result = Mutex<T?>(nil)
    let done = DispatchSemaphore(value: 0)
    Task {
        let value = await body()
        result.withLock { $0 = value }
        done.signal()
    }
    done.wait()
    return result.withLock { $0! }
}
