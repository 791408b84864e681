/// A mounted cgroup hierarchy: one v1 hierarchy, or the v2 unified hierarchy.
public struct CgroupHierarchy: Sendable, Hashable {
    /// The cgroup version of a hierarchy.
    public enum Version: Sendable, Hashable {
        /// A cgroup v1 hierarchy (filesystem type `cgroup`), with its own controllers.
        case v1
        /// The cgroup v2 unified hierarchy (filesystem type `cgroup2`).
        case v2
    }

    /// Whether this is a v1 hierarchy or the v2 unified one.
    public var version: Version
    /// Where the hierarchy is mounted, e.g. `/sys/fs/cgroup/memory`.
    public var mountPoint: String
    /// The cgroup that the mount point shows, as `/proc/PID/cgroup` names it (`/` unless
    /// the mount is of a sub-cgroup, as inside a container).
    public var mountRoot: String
    /// v1: the subsystems bound to the hierarchy (e.g. `cpu`, `cpuacct`). v2: the
    /// controllers listed in the root's `cgroup.controllers` (e.g. `memory`, `io`).
    public var controllers: Set<String>

    /// A hierarchy with the given properties.
    public init(version: Version, mountPoint: String, mountRoot: String = "/", controllers: Set<String>) {
        self.version = version
        self.mountPoint = mountPoint
        self.mountRoot = mountRoot
        self.controllers = controllers
    }

    /// The directory of the cgroup at `path` in this hierarchy.
    func directory(of path: CgroupPath) -> String {
        path.components.isEmpty ? mountPoint : mountPoint + "/" + path.description
    }
}
