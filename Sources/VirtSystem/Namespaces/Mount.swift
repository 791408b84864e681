import Glibc

/// One `mount(2)` call made inside a new mount namespace.
public struct Mount: Hashable, Sendable {
    /// The source (a device, a directory for bind mounts, or a label such as `"proc"`).
    public var source: String?
    /// Where to mount.
    public var target: String
    /// The file system type (`"proc"`, `"tmpfs"`), `nil` for bind mounts and remounts.
    public var type: String?
    /// `MS_*` flags.
    public var flags: UInt
    /// File-system-specific options (`"mode=755,size=64k"`).
    public var data: String?
    /// What the step does: a mount, or a file it creates.
    public var kind: Kind = .mount

    /// The steps of a mount list besides mount(2): the files of a private /dev, say, made
    /// in the tmpfs a step before mounted.
    public enum Kind: Hashable, Sendable {
        /// mount(2) with the step's source, type, flags and data.
        case mount
        /// A directory (a mount point) with exactly these permissions; one that exists is left
        /// as it is.
        case directory(mode: UInt32)
        /// A character device node with exactly these permissions.
        case characterDevice(major: UInt32, minor: UInt32, mode: UInt32)
        /// A symbolic link whose content is the step's source.
        case symbolicLink
        /// An empty regular file with exactly these permissions (where a file is mounted);
        /// one that exists is left as it is.
        case file(mode: UInt32)
    }

    /// A mount from its `mount(2)` arguments.
    public init(source: String?, target: String, type: String?, flags: UInt = 0, data: String? = nil) {
        self.source = source
        self.target = target
        self.type = type
        self.flags = flags
        self.data = data
    }

    /// A bind mount of `source` at `target`, recursive unless told otherwise.
    public static func bind(_ source: String, at target: String, recursive: Bool = true) -> Mount {
        Mount(source: source, target: target, type: nil, flags: UInt(MS_BIND) | (recursive ? UInt(MS_REC) : 0))
    }

    /// Remounts the bind mount at `target` with `flags` (e.g. `MS_RDONLY`), keeping it a bind
    /// mount. Flags the kernel locked on the mount must be repeated.
    public static func remountBind(_ target: String, flags: UInt) -> Mount {
        Mount(source: nil, target: target, type: nil, flags: UInt(MS_REMOUNT) | UInt(MS_BIND) | flags)
    }

    /// Creates the directory `target` with exactly `mode`, unless it exists.
    public static func directory(_ target: String, mode: UInt32 = 0o755) -> Mount {
        var step = Mount(source: nil, target: target, type: nil)
        step.kind = .directory(mode: mode)
        return step
    }

    /// Creates the character device node `target` with exactly `mode`.
    public static func characterDevice(_ target: String, major: UInt32, minor: UInt32, mode: UInt32 = 0o666) -> Mount {
        var step = Mount(source: nil, target: target, type: nil)
        step.kind = .characterDevice(major: major, minor: minor, mode: mode)
        return step
    }

    /// Creates the empty file `target` with exactly `mode`, unless it exists.
    public static func file(_ target: String, mode: UInt32 = 0o644) -> Mount {
        var step = Mount(source: nil, target: target, type: nil)
        step.kind = .file(mode: mode)
        return step
    }

    /// Creates the symbolic link `target` pointing at `destination`.
    public static func symbolicLink(_ target: String, to destination: String) -> Mount {
        var step = Mount(source: destination, target: target, type: nil)
        step.kind = .symbolicLink
        return step
    }

    /// A tmpfs at `target`, with `nosuid,nodev`.
    public static func tmpfs(at target: String, options: String? = "mode=755") -> Mount {
        Mount(source: "tmpfs", target: target, type: "tmpfs", flags: UInt(MS_NOSUID) | UInt(MS_NODEV), data: options)
    }

    /// A procfs at `target`, showing the processes of the child's pid namespace.
    public static func proc(at target: String = "/proc") -> Mount {
        Mount(source: "proc", target: target, type: "proc", flags: UInt(MS_NOSUID) | UInt(MS_NODEV) | UInt(MS_NOEXEC))
    }

    /// A sysfs at `target`, read-only.
    public static func sysfs(at target: String = "/sys") -> Mount {
        Mount(source: "sysfs", target: target, type: "sysfs",
              flags: UInt(MS_NOSUID) | UInt(MS_NODEV) | UInt(MS_NOEXEC) | UInt(MS_RDONLY))
    }
}

/// How the child's mount namespace sees later mounts of the host.
public enum MountPropagation: Sendable, Hashable {
    /// Host mounts still propagate in; nothing propagates out (`MS_SLAVE`).
    case slave
    /// Nothing propagates either way (`MS_PRIVATE`).
    case `private`

    var flag: UInt { self == .slave ? UInt(MS_SLAVE) : UInt(MS_PRIVATE) }
}
