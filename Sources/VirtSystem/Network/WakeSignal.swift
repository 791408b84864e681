import CVirtShim
import Glibc
import VirtError

/// A descriptor that one thread makes readable to wake another thread's `poll` (an
/// eventfd, close-on-exec and non-blocking).
public final class WakeSignal: Sendable {
    /// The descriptor to poll for `POLLIN`.
    public let descriptor: Int32

    /// A new, unsignalled eventfd.
    public init() throws(VirError) {
        descriptor = try Syscall.call("create an eventfd") { cvs_eventfd_nonblocking() }
    }

    deinit { close(descriptor) }

    /// Makes the descriptor readable until the next ``clear()``.
    public func signal() {
        var one: UInt64 = 1
        _ = write(descriptor, &one, 8)
    }

    /// Makes the descriptor unreadable again.
    public func clear() {
        var count: UInt64 = 0
        _ = read(descriptor, &count, 8)
    }
}
