import VirtError
import VirtSystem
import VirtXML

#if canImport(Glibc)
import Glibc
#endif

/// How a container's `<filesystem>` elements and libvirt's private /dev become steps of its
/// mount namespace, as libvirt's LXC driver sets them up:
/// - the `mount` filesystem whose target is `/` is the root, entered with `pivot_root`;
///   without one the container shares the host's root;
/// - other `mount` filesystems are bind mounts of host directories, `bind` ones of paths
///   inside the container, and `ram` ones are tmpfs of the given size; `<readonly/>` makes
///   any of them read-only;
/// - /dev is a tmpfs of its own with null, zero, full, random, urandom and tty, a devpts
///   instance for the pts terminals and ptmx, and a /dev/shm tmpfs.
enum LXCFilesystems {
    /// The `<filesystem type=…>` kinds this driver mounts.
    static let supportedTypes: Set<String> = ["mount", "bind", "ram"]

    /// The device nodes of the private /dev: name, major, minor. The devices cgroup allows
    /// them (``LXCContainer/allowedDevices``), with console, ptmx and the pts terminals.
    static let deviceNodes: [(name: String, major: UInt32, minor: UInt32)] = [
        ("null", 1, 3), ("zero", 1, 5), ("full", 1, 7), ("random", 1, 8), ("urandom", 1, 9), ("tty", 5, 0),
    ]

    /// Checks what a definition alone can tell: supported types, absolute and distinct
    /// targets, a source where one is needed and a size for ram filesystems.
    static func validate(_ filesystems: [FilesystemDevice]) throws(VirError) {
        var targets = Set<String>()
        for filesystem in filesystems {
            let target = normalized(filesystem.target)
            guard supportedTypes.contains(filesystem.type) else {
                throw VirError(.configUnsupported, "<filesystem type='\(filesystem.type)'> is not supported for containers (only mount, bind and ram)", domain: .lxc)
            }
            for path in [filesystem.target, filesystem.source].compactMap({ $0 }) where !path.hasPrefix("/") || path.split(separator: "/").contains("..") {
                throw VirError(.configUnsupported, "filesystem path '\(path)' must be an absolute path without '..'", domain: .lxc)
            }
            guard targets.insert(target).inserted else {
                throw VirError(.configUnsupported, "two filesystems have the target '\(target)'", domain: .lxc)
            }
            if filesystem.type == "ram" {
                guard let usage = filesystem.ramUsageKiB, usage > 0 else {
                    throw VirError(.configUnsupported, "the ram filesystem at '\(target)' needs <source usage='…'/> above 0", domain: .lxc)
                }
                guard target != "/" else { throw VirError(.configUnsupported, "a ram filesystem cannot be the root", domain: .lxc) }
            } else {
                guard let source = filesystem.source, source.hasPrefix("/") else {
                    throw VirError(.configUnsupported, "the filesystem at '\(target)' needs an absolute <source dir='…'/>", domain: .lxc)
                }
                guard filesystem.type == "mount" || target != "/" else {
                    throw VirError(.configUnsupported, "the root filesystem must be of type 'mount'", domain: .lxc)
                }
                // Making / read-only recursively would take /dev and the other mounts with it.
                guard !(target == "/" && filesystem.readonly) else {
                    throw VirError(.configUnsupported, "a read-only root filesystem is not supported yet", domain: .lxc)
                }
            }
        }
    }

    /// The root filesystem's directory, if a filesystem targets `/`.
    static func rootfs(of filesystems: [FilesystemDevice]) -> String? {
        filesystems.first { normalized($0.target) == "/" }?.source
    }

    /// Checks the host side at start: each source is an existing directory, and no path
    /// inside the rootfs (a target, or a `bind` source) passes through a symbolic link. The
    /// steps run before `pivot_root`, on host paths, so a link the container planted (`data
    /// -> /`) would otherwise bind the host's files in or create directories on the host.
    static func checkSources(_ filesystems: [FilesystemDevice]) throws(VirError) {
        let rootfs = rootfs(of: filesystems)
        if let rootfs {
            for filesystem in filesystems where normalized(filesystem.target) != "/" {
                try refuseLinks(in: filesystem.target, under: rootfs)
                if filesystem.type == "bind", let source = filesystem.source { try refuseLinks(in: source, under: rootfs) }
            }
        }
        for filesystem in filesystems where filesystem.type != "ram" {
            guard let source = filesystem.source else { continue }
            let hostPath = filesystem.type == "bind" ? (rootfs ?? "") + source : source
            var status = stat()
            guard stat(hostPath, &status) == 0 else {
                throw VirError(.systemError, "cannot use '\(source)' as the source of '\(filesystem.target)': \(String(cString: strerror(errno)))", domain: .lxc)
            }
            guard status.st_mode & S_IFMT == S_IFDIR else {
                throw VirError(.systemError, "the source '\(source)' of '\(filesystem.target)' is not a directory", domain: .lxc)
            }
        }
    }

    /// Throws if a component of `path` that exists under `rootfs` is a symbolic link.
    private static func refuseLinks(in path: String, under rootfs: String) throws(VirError) {
        var partial = rootfs
        for component in path.split(separator: "/") {
            partial += "/" + component
            var status = stat()
            guard lstat(partial, &status) == 0 else { return }  // the rest is created by the steps
            guard status.st_mode & S_IFMT != S_IFLNK else {
                throw VirError(.operationFailed, "'\(path)' passes through the symbolic link '\(partial)' in the root filesystem", domain: .lxc)
            }
        }
    }

    /// The steps, in order: mount points a rootfs may lack, its /sys (``sysfs(rootfs:ownNetwork:)``),
    /// the private /dev (with `console`, the host path of the console's pty, as its
    /// /dev/console), then the definition's filesystems (outermost first).
    static func mounts(for filesystems: [FilesystemDevice], console: String? = nil, idmap: IDMap? = nil,
                       ownNetwork: Bool = false) -> [Mount] {
        let rootfs = rootfs(of: filesystems)
        var steps: [Mount] = []
        if rootfs != nil {
            steps += [.directory("/proc", mode: 0o555), .directory("/sys", mode: 0o555), .directory("/dev", mode: 0o755),
                      .directory(devStaging, mode: 0o1777)]
        }
        steps += sysfs(rootfs: rootfs, ownNetwork: ownNetwork)
        steps += privateDev(console: console, rootfs: rootfs, idmap: idmap)
        let others = filesystems.filter { normalized($0.target) != "/" }.sorted { depth($0.target) < depth($1.target) }
        for filesystem in others {
            let target = normalized(filesystem.target)
            if rootfs != nil { steps.append(.directory(target)) }
            switch filesystem.type {
            case "ram":
                steps.append(.tmpfs(at: target, options: "size=\(filesystem.ramUsageKiB ?? 0)k,mode=755"))
            case "bind":
                steps.append(.bind((rootfs ?? "") + (filesystem.source ?? ""), at: target))
            default:
                steps.append(.bind(filesystem.source ?? "", at: target))
            }
        }
        return steps
    }

    /// Targets of read-only filesystems, made read-only once the container's root is in place.
    static func readOnlyTargets(of filesystems: [FilesystemDevice]) -> [String] {
        filesystems.filter { $0.readonly && normalized($0.target) != "/" }.map { normalized($0.target) }
    }

    /// The container's /sys. Sharing the host's network namespace, it is the host's (bound in
    /// under a rootfs). With a network namespace of its own, it is a sysfs of that namespace,
    /// as libvirt mounts it, so /sys/class/net lists the container's interfaces and not the
    /// host's; the host's cgroup hierarchies are bound into its /sys/fs/cgroup. On the host's
    /// root, the new sysfs covers them, so they are first bound at ``devStaging`` and moved.
    static func sysfs(rootfs: String?, ownNetwork: Bool) -> [Mount] {
        let cgroups = "/sys/fs/cgroup"
        switch (rootfs, ownNetwork) {
        case (_?, false): return [.bind("/sys", at: "/sys")]
        case (nil, false): return []
        case (_?, true): return [.sysfs(), .bind(cgroups, at: cgroups)]
        case (nil, true):
            return [.bind(cgroups, at: devStaging), .sysfs(), Mount(source: devStaging, target: cgroups, type: nil, flags: UInt(MS_MOVE))]
        }
    }

    /// Where the private /dev is put together before it is moved onto /dev: a directory
    /// that exists on hosts (and is made in a rootfs), while the host's /dev/pts is still
    /// visible for the console's bind mount.
    static let devStaging = "/dev/shm"

    /// libvirt's /dev: a small tmpfs (not nodev, or its nodes could not be opened), the
    /// nodes, a private devpts with ptmx, a /dev/shm, the usual links and, with `console`
    /// (a host pty's path), that pty as /dev/console. Built at ``devStaging``, then moved (a
    /// move's source is a host path, hence `rootfs`). In a user namespace (`idmap`) no node
    /// can be made, so the host's are bound instead, and the pts belong to group 5 (tty)
    /// only if the container maps it.
    static func privateDev(console: String? = nil, rootfs: String? = nil, idmap: IDMap? = nil) -> [Mount] {
        let staging = devStaging
        var steps = [Mount(source: "devfs", target: staging, type: "tmpfs", flags: UInt(MS_NOSUID) | UInt(MS_NOEXEC), data: "mode=755,size=64k")]
        for node in deviceNodes {
            let target = staging + "/" + node.name
            steps += idmap == nil ? [.characterDevice(target, major: node.major, minor: node.minor, mode: 0o666)]
                                  : [.file(target, mode: 0o666), .bind("/dev/" + node.name, at: target, recursive: false)]
        }
        let ttyGroup = idmap.map { LXCUserNamespace.hostID(of: 5, in: $0.gids) != nil } ?? true
        steps += [
            .directory(staging + "/pts", mode: 0o755),
            Mount(source: "devpts", target: staging + "/pts", type: "devpts", flags: UInt(MS_NOSUID) | UInt(MS_NOEXEC),
                  data: "newinstance,ptmxmode=0666,mode=0620" + (ttyGroup ? ",gid=5" : "")),
            .symbolicLink(staging + "/ptmx", to: "pts/ptmx"),
            .directory(staging + "/shm", mode: 0o1777),
            .tmpfs(at: staging + "/shm", options: "mode=1777"),
            .symbolicLink(staging + "/fd", to: "/proc/self/fd"), .symbolicLink(staging + "/stdin", to: "/proc/self/fd/0"),
            .symbolicLink(staging + "/stdout", to: "/proc/self/fd/1"), .symbolicLink(staging + "/stderr", to: "/proc/self/fd/2"),
        ]
        if let console {
            steps += [.file(staging + "/console", mode: 0o600), .bind(console, at: staging + "/console", recursive: false)]
        }
        steps.append(Mount(source: (rootfs ?? "") + staging, target: "/dev", type: nil, flags: UInt(MS_MOVE)))
        return steps
    }

    /// `path` without repeated or trailing slashes (`/` stays `/`).
    static func normalized(_ path: String) -> String {
        "/" + path.split(separator: "/").joined(separator: "/")
    }

    private static func depth(_ path: String) -> Int { normalized(path).split(separator: "/").count }
}
