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

    /// A descriptor (close-on-exec) of the namespace `kind` (one member) of the process
    /// `pidfd` names, through `PIDFD_GET_*_NAMESPACE` (Linux 6.11): no path walk through
    /// `/proc`. Nil where the kernel lacks the call, or once the process has exited. The
    /// caller closes it.
    public static func namespace(_ kind: NamespaceSet, of pidfd: Int32) -> Int32? {
        guard let number = ioctlNumbers[kind] else { return nil }
        let fd = cvs_pidfd_namespace(pidfd, number)
        return fd >= 0 ? fd : nil
    }

    /// The `PIDFD_GET_*_NAMESPACE` numbers of `linux/pidfd.h`.
    private static let ioctlNumbers: [NamespaceSet: UInt32] = [
        .cgroup: 1, .ipc: 2, .mount: 3, .network: 4, .pid: 5, .time: 7, .user: 9, .uts: 10,
    ]
}
