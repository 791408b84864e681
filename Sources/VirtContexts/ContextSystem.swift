import FoundationEssentials
import VirtError
import VirtSystem

#if canImport(Glibc)
import Glibc
#endif

/// Linux-VServer security contexts on a stock kernel. Corresponds to libvserver's context
/// commands; a context is a set of namespaces, a cgroup per controller, a capability bounding
/// set, context capabilities and flags enforced by its init through seccomp notifications,
/// and virtual system information. Its state lives under a run directory, so a context
/// created by one process is listed, entered, signalled and waited on by another.
public struct ContextSystem: Sendable {
    let store: ContextStore
    let cgroups: CgroupManager
    let initPath: String

    /// The cgroup controllers a context gets, where the host has them: memory (its limit and
    /// usage), pids (VXF_INFO_NPROC), freezer (VXF_SCHED_PAUSE and vx_kill atomic against
    /// forks) and devices (VXC_ADMIN_MAPPER/CLOOP).
    static let controllers: Set<CgroupController> = [.memory, .pids, .freezer, .devices]
    /// The default run directory: under /run when it is a tmpfs, as on systemd hosts, else
    /// under /dev/shm. Run state must live in memory: on a disk every small atomic write
    /// costs hundreds of microseconds, several times a context's whole creation.
    public static let defaultRoot = runBase + "/contexts"

    /// The in-memory directory SwiftVirt keeps run state under.
    public static let runBase: String = {
        let mounts = (try? String(contentsOfFile: "/proc/self/mounts", encoding: .utf8)) ?? ""
        let runIsTmpfs = mounts.split(separator: "\n").contains { line in
            let fields = line.split(separator: " ")
            return fields.count > 2 && fields[1] == "/run" && fields[2] == "tmpfs"
        }
        return runIsTmpfs ? "/run/swiftvirt" : "/dev/shm/swiftvirt"
    }()

    /// Contexts under `root`. `initPath` is the `swiftvirt-init` binary; by default the one
    /// next to this executable, or `SWIFTVIRT_INIT`.
    public init(root: String = ContextSystem.defaultRoot, initPath: String? = nil) throws(VirError) {
        store = ContextStore(root: root)
        try store.prepare()
        cgroups = CgroupManager(layout: try CgroupLayout.discover())
        self.initPath = initPath ?? Self.locateInit()
        guard access(self.initPath, X_OK) == 0 else {
            throw VirError(.noSupport, "the context init \(self.initPath) is missing; build it with 'swift build' or set SWIFTVIRT_INIT")
        }
    }

    static func locateInit() -> String {
        if let explicit = ProcessInfo.processInfo.environment["SWIFTVIRT_INIT"] { return explicit }
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let sibling = URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent("swiftvirt-init").path
        return FileManager.default.isExecutableFile(atPath: sibling) ? sibling : "/usr/libexec/swiftvirt/swiftvirt-init"
    }

    /// The cgroup path of context `xid`.
    static func cgroupPath(_ xid: UInt32) throws(VirError) -> CgroupPath { try CgroupPath("swiftvirt/ctx-\(xid)") }

    /// Checks an xid (`xid_t`): 0 is the host's and 65535 and above are not contexts.
    static func validate(_ xid: UInt32) throws(VirError) {
        guard (1..<65535).contains(xid) else {
            throw VirError.invalidArg("invalid context id \(xid): must be between 1 and 65534 (0 is the host)")
        }
    }

    /// Context `xid`, if it is alive.
    public func context(_ xid: UInt32) throws(VirError) -> Context {
        try Self.validate(xid)
        guard let record = try store.record(xid), isAlive(record) else {
            throw VirError(.noDomain, "no security context with id \(xid)", domain: .none)
        }
        return Context(system: self, xid: xid, record: record)
    }

    /// The xids of live contexts, ascending. Contexts found dead have their cgroups removed
    /// here, so that a context nobody waited for leaves nothing behind in the kernel.
    public func list() -> [UInt32] {
        store.recordedXIDs().filter { xid in
            guard let record = (try? store.record(xid)) ?? nil else { return false }
            if isAlive(record) { return true }
            removeCgroups(of: xid)
            return false
        }
    }

    /// Corresponds to `vx_wait` by xid: waits for a live context, or reports at once how an
    /// already dead one ended, as long as its record is kept (until the xid is reused).
    public func wait(xid: UInt32) async throws(VirError) -> ContextExit {
        try Self.validate(xid)
        guard let record = try store.record(xid) else {
            throw VirError(.noDomain, "no security context with id \(xid)", domain: .none)
        }
        return try await Context(system: self, xid: xid, record: record).wait()
    }

    /// Removes context `xid`'s cgroups, if any are left.
    func removeCgroups(of xid: UInt32) {
        guard let path = try? Self.cgroupPath(xid),
              let group = try? cgroups.cgroup(at: path, controllers: Self.controllers.intersection(cgroups.layout.placements.keys)) else { return }
        try? group.remove()
    }

    /// Corresponds to `vx_task_xid`: the context of process `pid`, 0 for the host.
    public func taskXID(pid: Int32) throws(VirError) -> UInt32 {
        guard pid > 0, kill(pid, 0) == 0 || errno == EPERM else {
            throw VirError(.invalidArg, "no process with pid \(pid)", domain: .none)
        }
        for controller in [CgroupController.pids, .freezer, .memory] where cgroups.layout.placements[controller] != nil {
            guard let path = try cgroups.path(ofProcess: pid, controller: controller) else { continue }
            let components = path.components
            if components.count >= 2, components[components.count - 2] == "swiftvirt",
               let last = components.last, last.hasPrefix("ctx-"), let xid = UInt32(last.dropFirst(4)) {
                return xid
            }
            return 0
        }
        return 0
    }

    /// Whether the record's init is still the same running process.
    func isAlive(_ record: ContextRecord) -> Bool {
        guard let stat = try? ProcessStat.read(pid: record.initPID) else { return false }
        return stat.startTime == record.initStartTime && stat.state != "Z" && stat.state != "X"
    }
}
