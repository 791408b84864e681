import VirtError

/// Creates and finds SwiftVirt's cgroups on a host, whatever its layout (v1, hybrid or v2).
///
/// ```swift
/// let manager = try CgroupManager(layout: .discover())
/// let cgroup = try manager.create(CgroupPath("swiftvirt/ctx-42"), controllers: [.memory, .cpu, .freezer, .pids])
/// try cgroup.setMemoryLimit(256 << 20)
/// try cgroup.attach(pid: child)
/// ```
public struct CgroupManager: Sendable {
    /// Where each controller lives.
    public let layout: CgroupLayout
    /// The procfs mount used to read `/proc/PID/cgroup` (a parameter for tests).
    public let procRoot: String

    /// A manager for `layout`, reading process memberships below `procRoot`.
    public init(layout: CgroupLayout, procRoot: String = "/proc") {
        self.layout = layout
        self.procRoot = procRoot
    }

    /// Creates the cgroup at `path` (and missing ancestors) in the hierarchy of each of
    /// `controllers`: v1 cpusets are initialised from their parent, v2 controllers are
    /// enabled in the ancestors' `cgroup.subtree_control`. An existing cgroup is reused,
    /// unless `exclusively`: then `.operationInvalid` if it exists in any hierarchy, with
    /// nothing made. `.operationUnsupported` if a controller is not available on this host.
    public func create(_ path: CgroupPath, controllers: Set<CgroupController>, exclusively: Bool = false) throws(VirError) -> Cgroup {
        let cgroup = try Cgroup(path: path, controllers: controllers, layout: layout)
        try cgroup.create(exclusively: exclusively)
        return cgroup
    }

    /// A handle on the existing cgroup at `path`, without touching the filesystem (e.g. to
    /// adopt a running container after a daemon restart).
    public func cgroup(at path: CgroupPath, controllers: Set<CgroupController>) throws(VirError) -> Cgroup {
        try Cgroup(path: path, controllers: controllers, layout: layout)
    }

    /// The cgroup that process `pid` is in, in the hierarchy of `controller`, relative to that
    /// hierarchy's mount point (from `/proc/PID/cgroup`). Nil if the process's cgroup is not
    /// visible below the mount point. Contexts map a pid to its context this way.
    public func path(ofProcess pid: Int32, controller: CgroupController) throws(VirError) -> CgroupPath? {
        guard pid > 0 else {
            throw VirError(.invalidArg, "cannot look up the cgroup of pid \(pid): pids are positive", domain: .cgroup)
        }
        let hierarchy = try layout.hierarchy(of: controller)
        let lines = CgroupMembership.parse(procPidCgroup: try CgroupFile.read("\(procRoot)/\(pid)/cgroup"))
        guard let line = CgroupMembership.line(for: hierarchy, in: lines) else { return nil }
        return Self.relative(line.path, to: hierarchy.mountRoot)
    }

    /// The `cgroup.procs` files of the cgroups that process `pid` is in, one per hierarchy of
    /// the host's controllers: writing a pid to each puts that process where `pid` is. This
    /// is how `virDomainLxcEnterCGroup` finds a container's cgroups (libvirt's
    /// `virCgroupNewDetect`).
    /// - Throws: `.systemError` if the process does not exist, `.operationInvalid` if one of
    ///   its cgroups lies outside the mounts.
    public func procsFiles(ofProcess pid: Int32) throws(VirError) -> [String] {
        guard pid > 0 else {
            throw VirError(.invalidArg, "cannot look up the cgroups of pid \(pid): pids are positive", domain: .cgroup)
        }
        let lines = CgroupMembership.parse(procPidCgroup: try CgroupFile.read("\(procRoot)/\(pid)/cgroup"))
        let hierarchies = Set(layout.placements.values).sorted { $0.mountPoint < $1.mountPoint }
        var files: [String] = []
        for hierarchy in hierarchies {
            guard let line = CgroupMembership.line(for: hierarchy, in: lines) else { continue }
            guard let path = Self.relative(line.path, to: hierarchy.mountRoot) else {
                throw VirError(.operationInvalid, "the cgroup \(line.path) of pid \(pid) is outside the mount at \(hierarchy.mountPoint)", domain: .cgroup)
            }
            files.append(hierarchy.directory(of: path) + "/cgroup.procs")
        }
        return files
    }

    /// `path` below `root` (both absolute within a hierarchy), or nil if it is not below it.
    static func relative(_ path: String, to root: String) -> CgroupPath? {
        let base = root.hasSuffix("/") ? root : root + "/"
        let full = path.hasSuffix("/") ? path : path + "/"
        guard full.hasPrefix(base) else { return nil }
        return try? CgroupPath(String(full.dropFirst(base.count)))
    }
}
