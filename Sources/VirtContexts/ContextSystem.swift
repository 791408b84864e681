import FoundationEssentials
import Synchronization
import VirtError
import VirtSystem

#if canImport(Glibc)
import Glibc
#endif

/// Linux-VServer security contexts on a stock kernel. Corresponds to libvserver's context
/// commands; a context is a set of namespaces, a cgroup per controller, a capability bounding
/// set, context capabilities and flags enforced through seccomp notifications (which the
/// root's keeper answers),
/// and virtual system information. Its state lives under a run directory, so a context
/// created by one process is listed, entered, signalled and waited on by another.
public struct ContextSystem: Sendable {
    let store: ContextStore
    let cgroups: CgroupManager
    let initPath: String
    let keeper: ContextKeeper
    let dynamicCursor = DynamicXIDCursor()

    /// The cgroup controllers every context has a cgroup of its own in, where the host has
    /// them: memory (its limit, usage and OOM kills) and freezer (VXF_SCHED_PAUSE, and vx_kill
    /// atomic against forks). A context gets its own pids cgroup only for VXF_INFO_NPROC, and
    /// its own devices cgroup only for device rules other than the default ones (see
    /// ``sharedDevicesCgroup()``): each cgroup costs a mkdir, a cgroup.procs write and an rmdir.
    static let controllers: Set<CgroupController> = [.memory, .freezer]
    /// Every controller a context may have a cgroup of its own in without creating it with one
    /// (``Context/updateCgroup(_:_:)`` adds them while it runs).
    static let allControllers: Set<CgroupController> = controllers.union([.pids, .devices, .cpuset])
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

    /// Contexts under `root`. `initPath` and `keeperPath` are the `swiftvirt-init` and
    /// `swiftvirt-keeper` binaries; by default the ones next to this executable, or
    /// `SWIFTVIRT_INIT` and `SWIFTVIRT_KEEPER`.
    public init(root: String = ContextSystem.defaultRoot, initPath: String? = nil, keeperPath: String? = nil) throws(VirError) {
        store = ContextStore(root: root)
        try store.prepare()
        cgroups = CgroupManager(layout: try CgroupLayout.discover())
        self.initPath = initPath ?? HelperBinary.locate("swiftvirt-init", override: "SWIFTVIRT_INIT")
        keeper = ContextKeeper(root: root, executable: keeperPath ?? HelperBinary.locate("swiftvirt-keeper", override: "SWIFTVIRT_KEEPER"))
        for (binary, variable) in [(self.initPath, "SWIFTVIRT_INIT"), (keeper.executable, "SWIFTVIRT_KEEPER")] where access(binary, X_OK) != 0 {
            throw VirError(.noSupport, "\(binary) is missing; build it with 'swift build' or set \(variable)")
        }
    }

    /// Stops the keeper (``stopKeeper()``) and removes the run directory with every record in
    /// it, for clean-ups once none of its contexts runs any more.
    public func removeRoot() {
        stopKeeper()
        ContextStore.removeTree(root)
    }

    /// Kills every context of this root (SIGKILL to all their processes), waits up to 5 s
    /// for them to end, then removes the root (``removeRoot()``): the clean-up of a root that
    /// must leave nothing behind, even after a failure.
    public func destroyEverything() {
        for xid in list() { try? context(xid).kill(pid: 0, signal: SIGKILL) }
        for _ in 0..<500 where !list().isEmpty { usleep(10_000) }  // list() removes the cgroups of the dead
        removeRoot()
    }

    /// The run directory the contexts live under.
    public var root: String { store.root }

    /// Asks this root's keeper (the process answering its contexts' seccomp notifications)
    /// to exit as soon as it keeps no context, instead of after its idle grace period. For
    /// clean-ups that must leave no process behind; a later creation starts a new keeper.
    public func stopKeeper() {
        keeper.stop()
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
            removeCgroups(of: record)
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

    /// Removes the cgroups of the context `record` describes, if they are still its own.
    func removeCgroups(of record: ContextRecord) {
        try? withCgroupLock { () throws(VirError) in
            guard ownsCgroups(record) else { return }
            removeCgroups(of: record.xid, controllers: record.controllerSet)
        }
    }

    /// Runs `body` holding the lock on the xids that every root shares (their cgroups are all
    /// `swiftvirt/ctx-XID`). Making a context's cgroups and removing a dead one's take it, so
    /// that a root never removes the cgroups another is making under the same xid (whose
    /// freezer directory, which tells them apart, may not exist yet).
    ///
    /// A mutex orders this process's threads; a POSIX record lock on `runBase/cgroups.lock`
    /// orders processes. Unlike flock, a record lock is not inherited by a child forked
    /// meanwhile, which would hold it until it execs, and it waits for these cgroups.
    func withCgroupLock<R>(_ body: () throws(VirError) -> R) throws(VirError) -> R {
        var result: R?
        try Self.cgroupLockInProcess.withLock { (_) throws(VirError) in
            let path = Self.runBase + "/cgroups.lock"
            var fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            if fd < 0 && errno == ENOENT {  // the first root on this host
                try store.makeDirectory(Self.runBase, recursive: true)
                fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            }
            guard fd >= 0 else { throw Syscall.error("open \(path)", errno: errno) }
            defer { close(fd) }  // releases the record lock
            var lock = flock()
            lock.l_type = Int16(F_WRLCK)
            lock.l_whence = Int16(SEEK_SET)
            _ = try Syscall.call("lock \(path)") { fcntl(fd, F_SETLKW, &lock) }
            result = try body()
        }
        return result!  // set unless body threw
    }

    /// Orders this process's threads for ``withCgroupLock(_:)``.
    private static let cgroupLockInProcess = Mutex(())

    /// Whether the xid's cgroups are still those of the context `record` describes (or it
    /// predates the check).
    func ownsCgroups(_ record: ContextRecord) -> Bool {
        guard let recorded = record.cgroupInode else { return true }
        return cgroupInode(record.xid).map { $0 == recorded } ?? true
    }

    /// The inode of context `xid`'s cgroup directory; see ``cgroupInode(of:)``.
    func cgroupInode(_ xid: UInt32) -> UInt64? {
        guard let path = try? Self.cgroupPath(xid),
              let group = try? cgroups.cgroup(at: path, controllers: Self.controllers.intersection(cgroups.layout.placements.keys)) else { return nil }
        return Self.cgroupInode(of: group)
    }

    /// The inode of a context's cgroup directory in the freezer hierarchy (else the memory
    /// one), which every context has: a new directory of the same name has another.
    static func cgroupInode(of group: Cgroup) -> UInt64? {
        guard let directory = group.directory(of: .freezer) ?? group.directory(of: .memory) else { return nil }
        var status = stat()
        return stat(directory, &status) == 0 ? UInt64(status.st_ino) : nil
    }

    /// Removes context `xid`'s cgroups, if any are left: those of ``allControllers`` and of
    /// `controllers` (those its record lists, or a failed creation asked for).
    func removeCgroups(of xid: UInt32, controllers: Set<CgroupController>) {
        guard let path = try? Self.cgroupPath(xid),
              let group = try? cgroups.cgroup(at: path, controllers: Self.allControllers.union(controllers).intersection(cgroups.layout.placements.keys)) else { return }
        try? group.remove()
    }

    /// Corresponds to `vx_task_xid`: the context of process `pid`, 0 for the host.
    public func taskXID(pid: Int32) throws(VirError) -> UInt32 {
        guard pid > 0, kill(pid, 0) == 0 || errno == EPERM else {
            throw VirError(.invalidArg, "no process with pid \(pid)", domain: .none)
        }
        for controller in [CgroupController.freezer, .memory] where cgroups.layout.placements[controller] != nil {
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

    /// Whether the context has a process left. Its cgroup says so from the kernel, for
    /// every kind of context: one whose first process is pid 1 of its pid namespace ends
    /// with it, the others when their last process has exited.
    func isAlive(_ record: ContextRecord) -> Bool {
        guard let path = try? Self.cgroupPath(record.xid),
              let group = try? cgroups.cgroup(at: path, controllers: Self.controllers.intersection(cgroups.layout.placements.keys)),
              let members = try? group.processes() else { return false }
        return !members.isEmpty && ownsCgroups(record)
    }
}
