import CVirtShim
import Glibc
import VirtError

/// The user and group of the calling thread. Linux keeps credentials per thread; these
/// calls change the calling thread only, as `setns` does for namespaces.
public enum ThreadCredentials {
    /// The calling thread's effective uid and gid.
    public static var current: (uid: uid_t, gid: gid_t) { (geteuid(), getegid()) }

    /// Becomes `uid`:`gid` (real and effective), with `gid` as the only supplementary group.
    /// The saved ids stay, so a thread that was root can switch back until it execs; the
    /// program it execs runs as `uid`:`gid` only.
    /// - Throws: `VIR_ERR_SYSTEM_ERROR` (EPERM) without the privilege to switch.
    public static func become(uid: uid_t, gid: gid_t) throws(VirError) {
        try Syscall.call("switch the thread to uid \(uid), gid \(gid)") { cvs_thread_set_ids(uid, gid) }
    }
}
