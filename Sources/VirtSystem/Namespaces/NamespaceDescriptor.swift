import CVirtShim
import Glibc
import VirtError

/// Namespace descriptors, as `/proc/PID/ns/*` and `PIDFD_GET_*_NAMESPACE` give them: their
/// kind, whether the calling thread is already in one, and `setns` into them.
///
/// Namespaces belong to threads. Entering one changes the calling thread only; a program
/// that must run inside is better spawned there (``SpawnPlan/joinNamespaces``).
public enum NamespaceDescriptor {
    /// The kind of namespace `fd` refers to (`NS_GET_NSTYPE`).
    /// - Throws: `VIR_ERR_INVALID_ARG` if `fd` is not a namespace descriptor.
    public static func kind(of fd: Int32) throws(VirError) -> NamespaceSet {
        let type = cvs_namespace_type(fd)
        guard type > 0 else {
            throw VirError.invalidArg("descriptor \(fd) does not refer to a namespace: \(String(cString: strerror(errno)))", domain: .none)
        }
        return NamespaceSet(rawValue: UInt64(type))
    }

    /// Whether the calling thread is in the namespace `fd` refers to (same device and
    /// inode). Read through a pidfd of the thread, so that it holds wherever `/proc` leads
    /// (inside a container's mount namespace, its procfs does not show this thread).
    public static func isCurrent(_ fd: Int32) throws(VirError) -> Bool {
        try isCurrent(fd, kind: kind(of: fd))
    }

    private static func isCurrent(_ fd: Int32, kind: NamespaceSet) throws(VirError) -> Bool {
        let mine = try openCurrent([kind])[0]
        defer { close(mine) }
        return identity(of: mine) == identity(of: fd)
    }

    /// Opens the calling thread's own namespaces of `kinds`, in that order (close-on-exec),
    /// through a pidfd of the thread. The caller closes them.
    public static func openCurrent(_ kinds: [NamespaceSet]) throws(VirError) -> [Int32] {
        let thread = try Syscall.call("pidfd_open of the calling thread") { cvs_thread_pidfd() }
        defer { close(thread) }
        var opened: [Int32] = []
        for kind in kinds {
            guard let fd = Pidfd.namespace(kind, of: thread) else {
                for fd in opened { close(fd) }
                throw Syscall.error("open the thread's \(kind) namespace", errno: errno)
            }
            opened.append(fd)
        }
        return opened
    }

    private static func identity(of fd: Int32) -> (dev_t, ino_t) {
        var status = stat()
        fstat(fd, &status)
        return (status.st_dev, status.st_ino)
    }

    /// Moves the calling thread into the namespaces `fds` refer to, in order, skipping those
    /// it is already in. A mount namespace needs a thread with a filesystem context of its
    /// own (root, working directory), so the thread unshares it first (`CLONE_FS`): other
    /// threads keep theirs. A user namespace can only be entered by a single-threaded process.
    /// - Throws: `VIR_ERR_INVALID_ARG` for a descriptor that is not a namespace's,
    ///   `VIR_ERR_OPERATION_INVALID` for a user namespace in a multithreaded process,
    ///   `VIR_ERR_SYSTEM_ERROR` if `setns` fails. Namespaces entered before the failure stay
    ///   entered.
    public static func enter(_ fds: [Int32]) throws(VirError) {
        var ownFilesystemContext = false
        for fd in fds {
            let kind = try kind(of: fd)
            guard try !isCurrent(fd, kind: kind) else { continue }
            if kind == .mount && !ownFilesystemContext {
                try Syscall.call("unshare the thread's filesystem context (CLONE_FS)") { cvs_unshare(CLONE_FS) }
                ownFilesystemContext = true
            }
            do throws(VirError) {
                try Syscall.call("setns into the \(kind) namespace of descriptor \(fd)") { cvs_setns(fd, 0) }
            } catch {
                guard kind == .user && error.int1 == EINVAL else { throw error }
                throw VirError(.operationInvalid, "a multithreaded process cannot enter a user namespace; spawn the program inside instead", domain: .none)
            }
        }
    }
}
