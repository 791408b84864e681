import CVirtShim

/// A set of Linux namespace types, with the kernel's `CLONE_NEW*` bit values.
public struct NamespaceSet: OptionSet, Sendable, Hashable, CustomStringConvertible {
    /// The `CLONE_NEW*` bits.
    public var rawValue: UInt64
    /// A set from `CLONE_NEW*` bits.
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// Mount namespace (`CLONE_NEWNS`).
    public static let mount = Self(rawValue: UInt64(CLONE_NEWNS))
    /// UTS namespace: host and domain name (`CLONE_NEWUTS`).
    public static let uts = Self(rawValue: UInt64(CLONE_NEWUTS))
    /// System V IPC and POSIX message queue namespace (`CLONE_NEWIPC`).
    public static let ipc = Self(rawValue: UInt64(CLONE_NEWIPC))
    /// PID namespace (`CLONE_NEWPID`).
    public static let pid = Self(rawValue: UInt64(CLONE_NEWPID))
    /// Network namespace (`CLONE_NEWNET`).
    public static let network = Self(rawValue: UInt64(CLONE_NEWNET))
    /// User namespace (`CLONE_NEWUSER`).
    public static let user = Self(rawValue: UInt64(CLONE_NEWUSER))
    /// Cgroup namespace (`CLONE_NEWCGROUP`).
    public static let cgroup = Self(rawValue: UInt64(CLONE_NEWCGROUP))
    /// Time namespace (`CLONE_NEWTIME`): monotonic and boot-time clock offsets.
    public static let time = Self(rawValue: UInt64(CLONE_NEWTIME))

    /// Every namespace type, in the order of their `/proc/PID/ns` names.
    public static let all: [(NamespaceSet, String)] = [
        (.cgroup, "cgroup"), (.ipc, "ipc"), (.mount, "mnt"), (.network, "net"),
        (.pid, "pid"), (.time, "time"), (.user, "user"), (.uts, "uts"),
    ]

    /// The kinds libvirt's `virProcessGetNamespaces` opens, in its order: what
    /// `virDomainLxcOpenNamespace` returns and `virDomainLxcEnterNamespace` saves.
    public static let libvirtOrder: [NamespaceSet] = [.user, .ipc, .uts, .network, .pid, .mount]

    /// The `/proc/PID/ns` names of the members, e.g. `"mnt,pid,uts"`.
    public var description: String {
        Self.all.filter { contains($0.0) }.map(\.1).joined(separator: ",")
    }
}
