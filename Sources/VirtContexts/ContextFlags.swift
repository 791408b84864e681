/// A context's flags (`VXF_*` of libvserver). Each one either has its real effect on a stock
/// kernel or is refused by ``ContextFlags/refusals`` with the reason.
public struct ContextFlags: OptionSet, Sendable, Hashable, Codable {
    /// The flag word.
    public let rawValue: UInt64
    /// Wraps a flag word.
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// `VXF_INFO_SCHED`
    public static let infoSched = Self(rawValue: 0x0000_0002)
    /// `VXF_INFO_NPROC`: the process limit is enforced (pids cgroup).
    public static let infoNproc = Self(rawValue: 0x0000_0004)
    /// `VXF_INFO_PRIVATE`: the context cannot be entered.
    public static let infoPrivate = Self(rawValue: 0x0000_0008)
    /// `VXF_INFO_INIT`: a private pid namespace with its own init.
    public static let infoInit = Self(rawValue: 0x0000_0010)
    /// `VXF_INFO_HIDE`
    public static let infoHide = Self(rawValue: 0x0000_0020)
    /// `VXF_INFO_ULIMIT`
    public static let infoUlimit = Self(rawValue: 0x0000_0040)
    /// `VXF_INFO_NSPACE`: a private mount namespace.
    public static let infoNspace = Self(rawValue: 0x0000_0080)
    /// `VXF_SCHED_HARD`
    public static let schedHard = Self(rawValue: 0x0000_0100)
    /// `VXF_SCHED_PRIO`
    public static let schedPrio = Self(rawValue: 0x0000_0200)
    /// `VXF_SCHED_PAUSE`: the context is frozen (freezer cgroup).
    public static let schedPause = Self(rawValue: 0x0000_0400)
    /// `VXF_VIRT_MEM`
    public static let virtMem = Self(rawValue: 0x0001_0000)
    /// `VXF_VIRT_UPTIME`: uptime counts from the context's creation (time namespace).
    public static let virtUptime = Self(rawValue: 0x0002_0000)
    /// `VXF_VIRT_CPU`
    public static let virtCPU = Self(rawValue: 0x0004_0000)
    /// `VXF_VIRT_LOAD`
    public static let virtLoad = Self(rawValue: 0x0008_0000)
    /// `VXF_VIRT_TIME`
    public static let virtTime = Self(rawValue: 0x0010_0000)
    /// `VXF_HIDE_MOUNT`
    public static let hideMount = Self(rawValue: 0x0100_0000)
    /// `VXF_HIDE_NETIF`: a private network namespace.
    public static let hideNetif = Self(rawValue: 0x0200_0000)
    /// `VXF_HIDE_VINFO`
    public static let hideVinfo = Self(rawValue: 0x0400_0000)
    /// `VXF_STATE_SETUP`
    public static let stateSetup = Self(rawValue: 1 << 32)
    /// `VXF_STATE_INIT`
    public static let stateInit = Self(rawValue: 1 << 33)
    /// `VXF_STATE_ADMIN`
    public static let stateAdmin = Self(rawValue: 1 << 34)
    /// `VXF_SC_HELPER`
    public static let scHelper = Self(rawValue: 1 << 36)
    /// `VXF_REBOOT_KILL`: reboot(2) inside ends the context; without it reboot(2) fails with EPERM.
    public static let rebootKill = Self(rawValue: 1 << 37)
    /// `VXF_PERSISTENT`: the context outlives its last process.
    public static let persistent = Self(rawValue: 1 << 38)
    /// `VXF_FORK_RSS`
    public static let forkRSS = Self(rawValue: 1 << 48)
    /// `VXF_PROLIFIC`: processes may create namespaces (sub-contexts).
    public static let prolific = Self(rawValue: 1 << 49)
    /// `VXF_IGNEG_NICE`: negative nice values are ignored.
    public static let ignoreNegativeNice = Self(rawValue: 1 << 52)

    /// Every flag libvserver defines.
    public static let known: Self = [
        .infoSched, .infoNproc, .infoPrivate, .infoInit, .infoHide, .infoUlimit, .infoNspace, .schedHard, .schedPrio,
        .schedPause, .virtMem, .virtUptime, .virtCPU, .virtLoad, .virtTime, .hideMount, .hideNetif, .hideVinfo,
        .stateSetup, .stateInit, .stateAdmin, .scHelper, .rebootKill, .persistent, .forkRSS, .prolific, .ignoreNegativeNice,
    ]

    /// Flags that shape the context's namespaces, so they can only be chosen at creation.
    public static let creationOnly: Self = [.infoInit, .infoNspace, .hideNetif, .virtUptime]

    /// Flags Linux-VServer made one-way: once cleared they are never set again.
    public static let oneWay: Self = [.stateSetup, .stateInit, .stateAdmin]

    /// Flags a stock kernel cannot give, with the reason each is refused.
    public static let refusals: [(flag: Self, reason: String)] = [
        (.infoSched, "per-context scheduler accounting needs Linux-VServer's kernel; use the cpu cgroup"),
        (.infoHide, "hiding the context's info needs Linux-VServer's /proc/virtual"),
        (.infoUlimit, "per-context ulimits need Linux-VServer's kernel; rlimits are per process"),
        (.schedHard, "hard CPU limits are cgroup quotas, set with a period and quota, not a flag"),
        (.schedPrio, "Linux-VServer's token-bucket priorities have no stock-kernel counterpart"),
        (.virtMem, "virtualising /proc/meminfo needs a FUSE overlay (lxcfs), which SwiftVirt does not provide"),
        (.virtCPU, "virtualising /proc/stat needs a FUSE overlay (lxcfs), which SwiftVirt does not provide"),
        (.virtLoad, "virtualising /proc/loadavg needs a FUSE overlay (lxcfs), which SwiftVirt does not provide"),
        (.virtTime, "time namespaces cannot offset CLOCK_REALTIME on Linux"),
        (.hideMount, "a private mount namespace (VXF_INFO_NSPACE) already hides the host's mounts; there is nothing more to hide"),
        (.hideVinfo, "there is no /proc/virtual on a stock kernel to hide"),
        (.scHelper, "the vshelper upcall does not exist on a stock kernel; reboot(2) is handled by VXF_REBOOT_KILL"),
        (.forkRSS, "refusing fork(2) by resident set size needs Linux-VServer's kernel; use the memory cgroup"),
    ]
}

/// A context's capabilities (`VXC_*` of libvserver), enforced by the keeper through
/// seccomp notifications and, for devices, by the devices cgroup.
public struct ContextCapabilities: OptionSet, Sendable, Hashable, Codable {
    /// The capability word.
    public let rawValue: UInt64
    /// Wraps a capability word.
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// `VXC_SET_UTSNAME`: sethostname(2) and setdomainname(2).
    public static let setUtsname = Self(rawValue: 0x0000_0001)
    /// `VXC_SET_RLIMIT`: raising resource limits.
    public static let setRlimit = Self(rawValue: 0x0000_0002)
    /// `VXC_RAW_ICMP`: raw ICMP sockets.
    public static let rawICMP = Self(rawValue: 0x0000_0100)
    /// `VXC_SYSLOG`: syslog(2).
    public static let syslog = Self(rawValue: 0x0000_1000)
    /// `VXC_SECURE_MOUNT`: mount(2) and the new mount API.
    public static let secureMount = Self(rawValue: 0x0001_0000)
    /// `VXC_SECURE_REMOUNT`: mount(2) with MS_REMOUNT.
    public static let secureRemount = Self(rawValue: 0x0002_0000)
    /// `VXC_BINARY_MOUNT`: network file systems and binary mount data.
    public static let binaryMount = Self(rawValue: 0x0004_0000)
    /// `VXC_QUOTA_CTL`: quotactl(2).
    public static let quotaCtl = Self(rawValue: 0x0010_0000)
    /// `VXC_ADMIN_MAPPER`: device-mapper devices.
    public static let adminMapper = Self(rawValue: 0x0020_0000)
    /// `VXC_ADMIN_CLOOP`: loop devices.
    public static let adminCloop = Self(rawValue: 0x0040_0000)

    /// Every capability libvserver defines.
    public static let known: Self = [.setUtsname, .setRlimit, .rawICMP, .syslog, .secureMount, .secureRemount,
                                     .binaryMount, .quotaCtl, .adminMapper, .adminCloop]
}

/// Flags of `vx_migrate` (`VXM_*`).
public struct MigrationFlags: OptionSet, Sendable, Hashable {
    /// The flag word.
    public let rawValue: UInt64
    /// Wraps a flag word.
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    /// `VXM_SET_INIT`: the new process becomes the context's init.
    public static let setInit = Self(rawValue: 1)
    /// `VXM_SET_REAPER`: the new process becomes the context's reaper.
    public static let setReaper = Self(rawValue: 2)
}

/// The fields of `vx_uname_set`/`vx_uname_get` (`VHIN_*`).
public enum UnameField: Int32, Sendable, CaseIterable, Codable {
    /// `VHIN_CONTEXT`: the context's name.
    case context = 0
    /// `VHIN_SYSNAME`
    case sysname = 1
    /// `VHIN_NODENAME`
    case nodename = 2
    /// `VHIN_RELEASE`
    case release = 3
    /// `VHIN_VERSION`
    case version = 4
    /// `VHIN_MACHINE`
    case machine = 5
    /// `VHIN_DOMAINNAME`
    case domainname = 6

    /// The utsname field is 65 bytes with its NUL.
    public static let maximumLength = 64
}
