/// One Linux capability (`CAP_*`), by number.
///
/// Numbers beyond the ones named here (up to 63) are kept, so that a newer kernel's
/// capabilities survive a round trip.
public struct Capability: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The capability number, 0...63.
    public let rawValue: Int32

    /// A capability by number; `nil` outside 0...63.
    public init?(rawValue: Int32) {
        guard (0...63).contains(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    /// A capability by name, with or without the `CAP_` prefix, in any case
    /// (`"CAP_SYS_ADMIN"`, `"sys_admin"`). Also accepts a number (`"21"`).
    public init?(name: String) {
        let upper = name.uppercased()
        let bare = upper.hasPrefix("CAP_") ? String(upper.dropFirst(4)) : upper
        if let index = Self.names.firstIndex(of: bare) {
            self.rawValue = Int32(index)
        } else if let number = Int32(bare), let capability = Capability(rawValue: number) {
            self = capability
        } else {
            return nil
        }
    }

    /// `CAP_NAME` for named capabilities, `CAP_<number>` for the others.
    public var description: String {
        rawValue < Self.names.count ? "CAP_" + Self.names[Int(rawValue)] : "CAP_\(rawValue)"
    }

    /// Orders by number.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Every capability that has a name here, `CAP_CHOWN` through `CAP_CHECKPOINT_RESTORE`.
    public static var allNamed: [Capability] { (0..<Int32(names.count)).map { Capability(unchecked: $0) } }

    private init(unchecked rawValue: Int32) { self.rawValue = rawValue }

    /// Names by number, as in `<linux/capability.h>` without the prefix.
    private static let names = [
        "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID",
        "SETUID", "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN",
        "NET_RAW", "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE",
        "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME",
        "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP",
        "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ",
        "PERFMON", "BPF", "CHECKPOINT_RESTORE",
    ]
}

extension Capability {
    /// `CAP_CHOWN`
    public static let chown = Capability(unchecked: 0)
    /// `CAP_DAC_OVERRIDE`
    public static let dacOverride = Capability(unchecked: 1)
    /// `CAP_KILL`
    public static let kill = Capability(unchecked: 5)
    /// `CAP_SETGID`
    public static let setgid = Capability(unchecked: 6)
    /// `CAP_SETUID`
    public static let setuid = Capability(unchecked: 7)
    /// `CAP_SETPCAP`
    public static let setpcap = Capability(unchecked: 8)
    /// `CAP_NET_BIND_SERVICE`
    public static let netBindService = Capability(unchecked: 10)
    /// `CAP_NET_ADMIN`
    public static let netAdmin = Capability(unchecked: 12)
    /// `CAP_NET_RAW`
    public static let netRaw = Capability(unchecked: 13)
    /// `CAP_SYS_MODULE`
    public static let sysModule = Capability(unchecked: 16)
    /// `CAP_SYS_RAWIO`
    public static let sysRawio = Capability(unchecked: 17)
    /// `CAP_SYS_CHROOT`
    public static let sysChroot = Capability(unchecked: 18)
    /// `CAP_SYS_PTRACE`
    public static let sysPtrace = Capability(unchecked: 19)
    /// `CAP_SYS_ADMIN`
    public static let sysAdmin = Capability(unchecked: 21)
    /// `CAP_SYS_BOOT`
    public static let sysBoot = Capability(unchecked: 22)
    /// `CAP_SYS_NICE`
    public static let sysNice = Capability(unchecked: 23)
    /// `CAP_SYS_RESOURCE`
    public static let sysResource = Capability(unchecked: 24)
    /// `CAP_SYS_TIME`
    public static let sysTime = Capability(unchecked: 25)
    /// `CAP_MKNOD`
    public static let mknod = Capability(unchecked: 27)
    /// `CAP_AUDIT_CONTROL`
    public static let auditControl = Capability(unchecked: 30)
    /// `CAP_SYSLOG`
    public static let syslog = Capability(unchecked: 34)
    /// `CAP_MAC_OVERRIDE`
    public static let macOverride = Capability(unchecked: 32)
    /// `CAP_MAC_ADMIN`
    public static let macAdmin = Capability(unchecked: 33)
}
