import CVirtShim

/// A system call number of the architecture this code runs on, for seccomp rules.
public struct SystemCall: RawRepresentable, Hashable, Sendable {
    /// The number (`SYS_*`).
    public let rawValue: Int32
    /// A system call by number.
    public init(rawValue: Int32) { self.rawValue = rawValue }
    private init(_ number: Int) { self.rawValue = Int32(number) }

    /// `clone(2)`
    public static let clone = Self(Int(SYS_clone))
    /// `clone3(2)`
    public static let clone3 = Self(Int(SYS_clone3))
    /// `unshare(2)`
    public static let unshare = Self(Int(SYS_unshare))
    /// `setns(2)`
    public static let setns = Self(Int(SYS_setns))
    /// `sethostname(2)`
    public static let sethostname = Self(Int(SYS_sethostname))
    /// `setdomainname(2)`
    public static let setdomainname = Self(Int(SYS_setdomainname))
    /// `uname(2)`
    public static let uname = Self(Int(SYS_uname))
    /// `socket(2)`
    public static let socket = Self(Int(SYS_socket))
    /// `mount(2)`
    public static let mount = Self(Int(SYS_mount))
    /// `umount2(2)`
    public static let umount2 = Self(Int(SYS_umount2))
    /// `setpriority(2)`
    public static let setpriority = Self(Int(SYS_setpriority))
    /// `setrlimit(2)`
    public static let setrlimit = Self(Int(SYS_setrlimit))
    /// `prlimit64(2)`
    public static let prlimit64 = Self(Int(SYS_prlimit64))
    /// `syslog(2)`
    public static let syslog = Self(Int(SYS_syslog))
    /// `quotactl(2)`
    public static let quotactl = Self(Int(SYS_quotactl))
    /// `reboot(2)`
    public static let reboot = Self(Int(SYS_reboot))
    /// `quotactl_fd(2)`
    public static let quotactlFD = Self(Int(SYS_quotactl_fd))
    /// `open_tree(2)`, of the new mount API.
    public static let openTree = Self(Int(SYS_open_tree))
    /// `move_mount(2)`
    public static let moveMount = Self(Int(SYS_move_mount))
    /// `fsopen(2)`
    public static let fsopen = Self(Int(SYS_fsopen))
    /// `fsconfig(2)`
    public static let fsconfig = Self(Int(SYS_fsconfig))
    /// `fsmount(2)`
    public static let fsmount = Self(Int(SYS_fsmount))
    /// `fspick(2)`
    public static let fspick = Self(Int(SYS_fspick))
    /// `mount_setattr(2)`
    public static let mountSetattr = Self(Int(SYS_mount_setattr))
}
