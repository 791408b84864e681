import VirtError
import VirtSystem

#if canImport(Glibc)
import Glibc
#endif

/// How `vx_create` sets up a context and its first process.
public struct ContextOptions: Sendable {
    /// `vx_create`'s flags. The default gives a private pid namespace with its own init and a
    /// private mount namespace (with its own /proc), as Linux-VServer's tools do.
    public var flags: ContextFlags = [.infoInit, .infoNspace]
    /// Context capabilities (`vx_ccaps_set`).
    public var capabilities: ContextCapabilities = []
    /// The capability bounding set of every process (`vx_bcaps_set`); the default drops what
    /// no guest should have: loading modules, setting the clock, raw I/O, MAC and audit control.
    public var boundingSet: CapabilitySet? = nil
    /// Virtual system information (`vx_uname_set`); unset fields show the host's.
    public var uname: [UnameField: String] = [:]
    /// The process limit enforced while VXF_INFO_NPROC is set (pids cgroup).
    public var processLimit: Int64 = 4096
    /// A memory limit in bytes (memory cgroup), if any.
    public var memoryLimit: Int64? = nil
    /// The first process's environment.
    public var environment: [String] = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]
    /// Paths made read-only inside, recursively (for a container: /proc/sys and /sys). Needs
    /// VXF_INFO_NSPACE: they are bind mounts in the context's own mount namespace.
    public var readOnlyPaths: [String] = []
    /// A directory the context `pivot_root`s into (a container's root filesystem), or `nil`
    /// for the host's root. Needs VXF_INFO_NSPACE.
    public var rootfs: String? = nil
    /// Steps in the context's mount namespace before its /proc is mounted, for example a
    /// private /dev and bind mounts. With a ``rootfs``, targets are paths inside it. Needs
    /// VXF_INFO_NSPACE.
    public var mounts: [Mount] = []
    /// The only devices the context may use (the devices cgroup denies every other), or `nil`
    /// for every device but device-mapper and loop devices. VXC_ADMIN_MAPPER and
    /// VXC_ADMIN_CLOOP add those either way.
    public var allowedDevices: [DeviceRule]? = nil
    /// Controllers the context's cgroup gets besides memory, pids, freezer and devices, where
    /// the host has them (a container's cpu, cpuacct, blkio).
    public var extraControllers: Set<CgroupController> = []
    /// Sets up the context's cgroup before its first process runs (limits of the extra
    /// controllers, say), while the process sets up its namespaces. A thrown error fails the
    /// creation and changes nothing.
    public var configureCgroup: (@Sendable (Cgroup) throws(VirError) -> Void)? = nil
    /// Sets up the context's own network namespace (VXF_HIDE_NETIF) before its first process
    /// runs, given a descriptor of it: links, addresses and routes. A thrown error fails the
    /// creation, which then changes nothing inside the context; what the closure made
    /// outside it, it undoes itself.
    public var configureNetwork: (@Sendable (_ namespace: Int32) throws(VirError) -> Void)? = nil
    /// The first process's descriptors: `[fd in the context: fd of the caller]`.
    public var descriptors: [Int32: Int32] = [0: 0, 1: 1, 2: 2]
    /// A console for the first process: its slave becomes the process's standard
    /// descriptors and the controlling terminal of a session of its own, and the keeper holds
    /// the pair (reading it all the time) until the process has exited; see
    /// ``Context/openConsole(force:)``. The caller may close its copies once created.
    public var console: PseudoTerminal? = nil

    /// A user namespace of the context's own, with these `uid_map` and `gid_map` texts
    /// ("first-id-inside first-id-outside count" lines), or `nil` for the host's ids. Its
    /// first process runs as root inside unless ``identity`` says otherwise; every namespace
    /// of the context belongs to it, so root inside is no one outside.
    public var userNamespace: (uidMap: String, gidMap: String)? = nil

    /// The first process's working directory (inside the rootfs, if any); `/` by default.
    public var workingDirectory: String? = nil
    /// The first process's user and group (with that group as its only supplementary one);
    /// root by default.
    public var identity: (uid: uid_t, gid: gid_t)? = nil

    /// The defaults.
    public init() {}

    /// This process's own bounding set: a context can never have more.
    public static let callerBoundingSet: CapabilitySet =
        (try? ProcessStatus.read(pid: getpid()).boundingSet) ?? (try? CapabilitySet.through(CapabilitySet.kernelLast())) ?? []

    /// The bounding set used when ``boundingSet`` is not given: the caller's, less what no
    /// guest should have.
    public static let defaultBoundingSet: CapabilitySet = {
        var set = callerBoundingSet
        for dropped in [Capability.sysModule, .sysTime, .sysRawio, .macAdmin, .macOverride, .auditControl] {
            set.remove(dropped)
        }
        return set
    }()
}

/// How a context ended, as `vx_wait` reports it.
public struct ContextExit: Sendable, Equatable {
    /// What reboot(2) inside asked for.
    public enum RebootCommand: String, Sendable, Equatable {
        /// `LINUX_REBOOT_CMD_RESTART` (or RESTART2).
        case restart
        /// `LINUX_REBOOT_CMD_HALT`.
        case halt
        /// `LINUX_REBOOT_CMD_POWER_OFF`.
        case poweroff
    }
    /// The first process's exit code, if it exited.
    public var exitCode: Int32?
    /// The signal that ended it, if one did.
    public var signal: Int32?
    /// The reboot command, if reboot(2) ended the context.
    public var reboot: RebootCommand?
    /// How many of its processes the kernel's OOM killer ended in its memory cgroup.
    public var oomKills: UInt64 = 0

    /// An end; all `nil` (and no OOM kill) when nothing is known of it.
    public init(exitCode: Int32? = nil, signal: Int32? = nil, reboot: RebootCommand? = nil, oomKills: UInt64 = 0) {
        self.exitCode = exitCode
        self.signal = signal
        self.reboot = reboot
        self.oomKills = oomKills
    }
}
