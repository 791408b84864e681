#if canImport(Glibc)
import Glibc
#endif
import VirtError

/// Bounded waiting for kernel state that offers no notification (v1 `freezer.state`, a
/// cgroup the kernel is still releasing): short sleeps, never a busy loop.
enum CgroupPoll {
    /// Calls `isDone` until it returns true, sleeping between calls from 20 µs growing to
    /// 2 ms; throws `.operationTimeout` with `timeoutMessage` once `deadline` has passed.
    static func until(_ deadline: ContinuousClock.Instant, timeoutMessage: @autoclosure () -> String,
                      _ isDone: () throws(VirError) -> Bool) throws(VirError) {
        var pause: UInt32 = 20
        while try !isDone() {
            guard ContinuousClock.now < deadline else {
                throw VirError(.operationTimeout, timeoutMessage(), domain: .cgroup)
            }
            usleep(pause)
            pause = min(pause * 2, 2_000)
        }
    }
}
