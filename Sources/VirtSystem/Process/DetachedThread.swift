import Glibc
import VirtError

/// A thread of its own for work that blocks (a socket's reader), outside Swift's
/// cooperative pool.
public enum DetachedThread {
    private final class Body {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }

    /// Starts a detached thread that runs `body` and ends with it.
    public static func start(_ body: @escaping @Sendable () -> Void) throws(VirError) {
        var handle = pthread_t()
        let box = Unmanaged.passRetained(Body(body))
        let created = pthread_create(&handle, nil, { argument in
            Unmanaged<Body>.fromOpaque(argument!).takeRetainedValue().run()
            return nil
        }, box.toOpaque())
        guard created == 0 else {
            box.release()
            throw Syscall.error("pthread_create", errno: created)
        }
        pthread_detach(handle)
    }
}

extension DetachedThread {
    /// Runs `body`, which blocks (a wait on a socket, say), on a thread of its own rather than
    /// on the concurrency pool, and returns what it returns.
    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws(VirError) -> T) async throws(VirError) -> T {
        let result: Result<T, VirError> = await withCheckedContinuation { continuation in
            do throws(VirError) {
                try start { continuation.resume(returning: Result { () throws(VirError) -> T in try body() }) }
            } catch {
                continuation.resume(returning: .failure(error))
            }
        }
        return try result.get()
    }
}
