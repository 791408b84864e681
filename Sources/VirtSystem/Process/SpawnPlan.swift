import Glibc

/// Everything about a process to start: what to run, which namespaces it gets and what the
/// child sets up before `execve`. Used by ``Spawner/spawn(_:)``.
///
/// The child applies the plan in this order: joined namespaces, time namespace, `setsid`,
/// host and domain name, mount steps, `pivot_root`, read-only paths, working directory,
/// descriptors, controlling terminal, (the parent's "go") cgroup namespace, bounding set, `no_new_privs`,
/// seccomp filters (which must let the remaining calls through), groups/gid/uid, parent-death
/// signal, child subreaper, `execve`.
public struct SpawnPlan: Sendable {
    /// The namespaces of a running process to enter, through a pidfd of it.
    ///
    /// The child calls `setns(pidfd, namespaces)` once for all kinds. A joined pid namespace
    /// only holds processes made afterwards, so with ``NamespaceSet/pid`` the child clones the
    /// process that goes on inside it (`CLONE_PARENT`: it is the spawner's own child, which
    /// ``Spawner/spawn(_:)`` returns) and exits. Cgroup membership is given to the first
    /// child before it runs, so the process inside never exists outside the cgroups.
    public struct NamespaceJoin: Sendable, Hashable {
        /// A pidfd of the process whose namespaces to join. It must stay open until
        /// ``Spawner/spawn(_:)`` returns.
        public var pidfd: Int32
        /// The kinds to join. None of them may also be in ``SpawnPlan/namespaces``.
        public var namespaces: NamespaceSet

        /// Join `namespaces` of the process behind `pidfd`.
        public init(pidfd: Int32, namespaces: NamespaceSet) {
            self.pidfd = pidfd
            self.namespaces = namespaces
        }
    }

    /// What to execute.
    public enum Executable: Sendable, Hashable {
        /// A path, resolved by the child (after `pivot_root`, inside the rootfs). No `PATH` search.
        case path(String)
        /// An open file of the parent, executed with `execveat(fd, "", AT_EMPTY_PATH)`: a
        /// binary that the child could not reach by path. It must be a binary, not a script.
        case descriptor(Int32)
    }

    /// What to execute.
    public var executable: Executable
    /// `argv`, including `argv[0]`.
    public var arguments: [String]
    /// `envp`, as `NAME=value` strings. Empty by default: nothing leaks from the parent.
    public var environment: [String] = []

    /// New namespaces. With ``NamespaceSet/time`` the child gets ``timeOffsets``.
    public var namespaces: NamespaceSet = []
    /// Namespaces of a running process to enter instead of new ones (`setns`).
    public var joinNamespaces: NamespaceJoin?
    /// Clock offsets of the new time namespace.
    public var timeOffsets = TimeOffsets()
    /// v2 cgroup directory (an open fd) to start the child in (`CLONE_INTO_CGROUP`).
    public var cgroupDirectory: Int32?
    /// Files such as v1 `cgroup.procs` that the parent writes the child's pid to before
    /// the child runs anything.
    public var cgroupProcsFiles: [String] = []
    /// `/proc/PID/uid_map` text for a new user namespace, written by the parent. The
    /// child keeps the parent's ids until it changes them: set ``uid`` and ``gid`` to
    /// become a mapped id (e.g. 0, root inside).
    public var uidMap: String?
    /// `/proc/PID/gid_map` text for a new user namespace, written by the parent.
    public var gidMap: String?

    /// Call `setsid()`: a new session without a controlling terminal.
    public var newSession = false
    /// The child's descriptor (after ``descriptors`` are mapped) of a terminal to make the
    /// new session's controlling terminal (`TIOCSCTTY`), as a console's for an init. Needs
    /// ``newSession``.
    public var controllingTerminal: Int32?
    /// Host name inside the new UTS namespace.
    public var hostname: String?
    /// NIS domain name inside the new UTS namespace.
    public var domainname: String?

    /// How `/` of the new mount namespace propagates (applied recursively first).
    public var rootPropagation = MountPropagation.private
    /// Mounts, in order. With a ``rootfs``, targets are paths inside it
    /// (`/proc` means `ROOTFS/proc`); sources are host paths.
    public var mounts: [Mount] = []
    /// A directory to `pivot_root` into; the old root is detached.
    public var rootfs: String?
    /// Paths made read-only (recursively) after `pivot_root`, e.g. `/proc/sys`, `/sys`.
    public var readOnlyPaths: [String] = []
    /// The working directory, inside the rootfs if there is one.
    public var workingDirectory: String?

    /// Descriptors of the exec'd program: `[child fd: parent fd]`, e.g. `[1: pipeWriteEnd]`.
    /// Every other descriptor is closed at exec.
    public var descriptors: [Int32: Int32] = [:]

    /// `setresuid` to this uid (in the new user namespace, if any).
    public var uid: uid_t?
    /// `setresgid` to this gid.
    public var gid: gid_t?
    /// `setgroups` to these groups.
    public var groups: [gid_t]?
    /// The capability bounding set to keep; every other capability is dropped from it.
    public var boundingSet: CapabilitySet?
    /// Set `PR_SET_NO_NEW_PRIVS`.
    public var noNewPrivileges = false
    /// Seccomp filters, installed in order; at most one may want a listener.
    public var seccomp: [SeccompProgram] = []
    /// Where the exec'd program finds the seccomp listener, so that it answers the
    /// notifications itself (a context's init does); `nil` hands the listener to the parent
    /// (``ChildProcess/seccompListener``).
    public var listenerDescriptor: Int32? = nil
    /// The signal the child gets when the thread that spawned it exits (`PR_SET_PDEATHSIG`).
    /// Note that this is the spawning *thread*, not the process.
    public var parentDeathSignal: Int32?
    /// Become a child subreaper (`PR_SET_CHILD_SUBREAPER`, kept across `execve`): orphaned
    /// descendants are reparented to the exec'd program instead of an init.
    public var childSubreaper = false

    /// A plan to run `executable` with `arguments` (`argv[0]` defaults to the path).
    public init(_ executable: Executable, arguments: [String]? = nil) {
        self.executable = executable
        switch executable {
        case .path(let path): self.arguments = arguments ?? [path]
        case .descriptor: self.arguments = arguments ?? []
        }
    }

    /// A plan to run the program at `path` with `arguments` after `argv[0]`.
    public init(path: String, _ arguments: String...) {
        self.init(.path(path), arguments: [path] + arguments)
    }
}
