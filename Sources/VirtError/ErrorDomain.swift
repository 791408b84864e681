/// Where an error comes from (`virErrorDomain`).
///
/// An open set: numbers that SwiftVirt does not name survive a round trip unchanged.
public struct ErrorDomain: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The numeric `VIR_FROM_*` value.
    public var rawValue: Int32
    /// Wraps a numeric `VIR_FROM_*` value.
    public init(rawValue: Int32) { self.rawValue = rawValue }
    /// The number, as libvirt prints it.
    public var description: String { "\(rawValue)" }

    /// `VIR_FROM_NONE`
    public static let `none` = Self(rawValue: 0)
    /// `VIR_FROM_XEN`
    public static let xen = Self(rawValue: 1)
    /// `VIR_FROM_XEND`
    public static let xend = Self(rawValue: 2)
    /// `VIR_FROM_XENSTORE`
    public static let xenstore = Self(rawValue: 3)
    /// `VIR_FROM_SEXPR`
    public static let sexpr = Self(rawValue: 4)
    /// `VIR_FROM_XML`
    public static let xml = Self(rawValue: 5)
    /// `VIR_FROM_DOM`
    public static let dom = Self(rawValue: 6)
    /// `VIR_FROM_RPC`
    public static let rpc = Self(rawValue: 7)
    /// `VIR_FROM_PROXY`
    public static let proxy = Self(rawValue: 8)
    /// `VIR_FROM_CONF`
    public static let conf = Self(rawValue: 9)
    /// `VIR_FROM_QEMU`
    public static let qemu = Self(rawValue: 10)
    /// `VIR_FROM_NET`
    public static let net = Self(rawValue: 11)
    /// `VIR_FROM_TEST`
    public static let test = Self(rawValue: 12)
    /// `VIR_FROM_REMOTE`
    public static let remote = Self(rawValue: 13)
    /// `VIR_FROM_OPENVZ`
    public static let openvz = Self(rawValue: 14)
    /// `VIR_FROM_XENXM`
    public static let xenxm = Self(rawValue: 15)
    /// `VIR_FROM_STATS_LINUX`
    public static let statsLinux = Self(rawValue: 16)
    /// `VIR_FROM_LXC`
    public static let lxc = Self(rawValue: 17)
    /// `VIR_FROM_STORAGE`
    public static let storage = Self(rawValue: 18)
    /// `VIR_FROM_NETWORK`
    public static let network = Self(rawValue: 19)
    /// `VIR_FROM_DOMAIN`
    public static let domain = Self(rawValue: 20)
    /// `VIR_FROM_UML`
    public static let uml = Self(rawValue: 21)
    /// `VIR_FROM_NODEDEV`
    public static let nodedev = Self(rawValue: 22)
    /// `VIR_FROM_XEN_INOTIFY`
    public static let xenInotify = Self(rawValue: 23)
    /// `VIR_FROM_SECURITY`
    public static let security = Self(rawValue: 24)
    /// `VIR_FROM_VBOX`
    public static let vbox = Self(rawValue: 25)
    /// `VIR_FROM_INTERFACE`
    public static let interface = Self(rawValue: 26)
    /// `VIR_FROM_ONE`
    public static let one = Self(rawValue: 27)
    /// `VIR_FROM_ESX`
    public static let esx = Self(rawValue: 28)
    /// `VIR_FROM_PHYP`
    public static let phyp = Self(rawValue: 29)
    /// `VIR_FROM_SECRET`
    public static let secret = Self(rawValue: 30)
    /// `VIR_FROM_CPU`
    public static let cpu = Self(rawValue: 31)
    /// `VIR_FROM_XENAPI`
    public static let xenapi = Self(rawValue: 32)
    /// `VIR_FROM_NWFILTER`
    public static let nwfilter = Self(rawValue: 33)
    /// `VIR_FROM_HOOK`
    public static let hook = Self(rawValue: 34)
    /// `VIR_FROM_DOMAIN_SNAPSHOT`
    public static let domainSnapshot = Self(rawValue: 35)
    /// `VIR_FROM_AUDIT`
    public static let audit = Self(rawValue: 36)
    /// `VIR_FROM_SYSINFO`
    public static let sysinfo = Self(rawValue: 37)
    /// `VIR_FROM_STREAMS`
    public static let streams = Self(rawValue: 38)
    /// `VIR_FROM_VMWARE`
    public static let vmware = Self(rawValue: 39)
    /// `VIR_FROM_EVENT`
    public static let event = Self(rawValue: 40)
    /// `VIR_FROM_LIBXL`
    public static let libxl = Self(rawValue: 41)
    /// `VIR_FROM_LOCKING`
    public static let locking = Self(rawValue: 42)
    /// `VIR_FROM_HYPERV`
    public static let hyperv = Self(rawValue: 43)
    /// `VIR_FROM_CAPABILITIES`
    public static let capabilities = Self(rawValue: 44)
    /// `VIR_FROM_URI`
    public static let uri = Self(rawValue: 45)
    /// `VIR_FROM_AUTH`
    public static let auth = Self(rawValue: 46)
    /// `VIR_FROM_DBUS`
    public static let dbus = Self(rawValue: 47)
    /// `VIR_FROM_PARALLELS`
    public static let parallels = Self(rawValue: 48)
    /// `VIR_FROM_DEVICE`
    public static let device = Self(rawValue: 49)
    /// `VIR_FROM_SSH`
    public static let ssh = Self(rawValue: 50)
    /// `VIR_FROM_LOCKSPACE`
    public static let lockspace = Self(rawValue: 51)
    /// `VIR_FROM_INITCTL`
    public static let initctl = Self(rawValue: 52)
    /// `VIR_FROM_IDENTITY`
    public static let identity = Self(rawValue: 53)
    /// `VIR_FROM_CGROUP`
    public static let cgroup = Self(rawValue: 54)
    /// `VIR_FROM_ACCESS`
    public static let access = Self(rawValue: 55)
    /// `VIR_FROM_SYSTEMD`
    public static let systemd = Self(rawValue: 56)
    /// `VIR_FROM_BHYVE`
    public static let bhyve = Self(rawValue: 57)
    /// `VIR_FROM_CRYPTO`
    public static let crypto = Self(rawValue: 58)
    /// `VIR_FROM_FIREWALL`
    public static let firewall = Self(rawValue: 59)
    /// `VIR_FROM_POLKIT`
    public static let polkit = Self(rawValue: 60)
    /// `VIR_FROM_THREAD`
    public static let thread = Self(rawValue: 61)
    /// `VIR_FROM_ADMIN`
    public static let admin = Self(rawValue: 62)
    /// `VIR_FROM_LOGGING`
    public static let logging = Self(rawValue: 63)
    /// `VIR_FROM_XENXL`
    public static let xenxl = Self(rawValue: 64)
    /// `VIR_FROM_PERF`
    public static let perf = Self(rawValue: 65)
    /// `VIR_FROM_LIBSSH`
    public static let libssh = Self(rawValue: 66)
    /// `VIR_FROM_RESCTRL`
    public static let resctrl = Self(rawValue: 67)
    /// `VIR_FROM_FIREWALLD`
    public static let firewalld = Self(rawValue: 68)
    /// `VIR_FROM_DOMAIN_CHECKPOINT`
    public static let domainCheckpoint = Self(rawValue: 69)
    /// `VIR_FROM_TPM`
    public static let tpm = Self(rawValue: 70)
    /// `VIR_FROM_BPF`
    public static let bpf = Self(rawValue: 71)
    /// `VIR_FROM_CH`
    public static let ch = Self(rawValue: 72)
}
