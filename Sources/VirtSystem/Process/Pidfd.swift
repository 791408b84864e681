import CVirtShim
import Glibc
import VirtError

/// Bare pidfds, for callers that need a descriptor naming a process (to join its
/// namespaces, say) without taking charge of it as ``ChildProcess`` does, which reaps a
/// child of ours when released.
public enum Pidfd {
    /// `pidfd_open(pid)`, close-on-exec. The caller closes it.
    public static func open(_ pid: pid_t) throws(VirError) -> Int32 {
        try Syscall.call("pidfd_open \(pid)") { cvs_pidfd_open(pid) }
    }
}
