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
