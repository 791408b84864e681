import FoundationEssentials
import VirtError
import VirtSystem

#if canImport(Glibc)
import Glibc
#endif

extension ContextSystem {
    /// Corresponds to `vx_create`: creates context `xid` and starts its first process,
    /// `command` (with VXF_PERSISTENT, under swiftvirt-init). Invalid input changes nothing.
    public func create(xid: UInt32, command: [String], options: ContextOptions = ContextOptions()) throws(VirError) -> RunningContext {
        try Self.validate(xid)
        try Self.validate(flags: options.flags, current: [])
        guard !command.isEmpty, command[0].hasPrefix("/") else {
            throw VirError.invalidArg("the first process needs an absolute executable path, got '\(command.first ?? "")'")
        }
        // Under a rootfs the path is the container's; a failed exec reports itself then.
        guard options.rootfs != nil || access(command[0], X_OK) == 0 else {
            throw VirError.invalidArg("'\(command[0])' is not an executable file: \(String(cString: strerror(errno)))")
        }
        guard options.capabilities.isSubset(of: .known) else {
            throw VirError.invalidArg("unknown context capability bits 0x\(String(options.capabilities.subtracting(.known).rawValue, radix: 16))")
        }
        for (field, value) in options.uname { try Self.validate(uname: value, for: field) }
        guard options.processLimit > 0 else { throw VirError.invalidArg("the process limit must be positive") }
        guard options.configureNetwork == nil || options.flags.contains(.hideNetif) else {
            throw VirError.invalidArg("setting up a network needs VXF_HIDE_NETIF: it is the context's own network namespace")
        }
        guard options.flags.contains(.infoNspace) || (options.readOnlyPaths.isEmpty && options.mounts.isEmpty && options.rootfs == nil) else {
            throw VirError.invalidArg("mounts, a rootfs and read-only paths need VXF_INFO_NSPACE: they belong to the context's own mount namespace")
        }
        for path in options.readOnlyPaths where !path.hasPrefix("/") {
            throw VirError.invalidArg("read-only path '\(path)' is not absolute")
        }
        return try store.locked { () throws(VirError) -> RunningContext in
            if let existing = try store.record(xid) {
                if isAlive(existing) {
                    throw VirError(.operationInvalid, "security context \(xid) already exists (init pid \(existing.initPID))", domain: .none)
                }
                removeCgroups(of: existing)
                store.remove(xid)
            }
            try store.makeDirectory(store.directory(xid))
            do throws(VirError) {
                return try start(xid: xid, command: command, options: options)
            } catch {
                store.remove(xid)
                throw error
            }
        }
    }

    /// The xids `vx_create` with `VX_DYNAMIC_ID` hands out, as Linux-VServer does.
    public static let dynamicXIDs: ClosedRange<UInt32> = 49152...65534

    /// Corresponds to `vx_create` with `VX_DYNAMIC_ID`: creates a context under a dynamic xid
    /// (``dynamicXIDs``) that no live context of any root uses. Like pids, they are handed out
    /// in turn, after the one this system handed out last: a dead context's xid (and the
    /// record of its end, which `vx_wait` reads) is taken again only once the others have
    /// been, so that whoever waits for it has long read its end.
    public func create(command: [String], options: ContextOptions = ContextOptions()) throws(VirError) -> RunningContext {
        for xid in dynamicCursor.candidates() {
            // A live context of another root has cgroups and no record here: skip it. A
            // record here, live or dead, is for create(xid:) to judge.
            guard store.hasRecord(xid) || !hasCgroups(xid) else { continue }
            do {
                let running = try create(xid: xid, command: command, options: options)
                dynamicCursor.handedOut(xid)
                return running
            } catch where error.code == .operationInvalid {
                continue  // alive, or taken meanwhile by another process
            }
        }
        throw VirError(.operationFailed, "no free dynamic context id left", domain: .none)
    }

    private func hasCgroups(_ xid: UInt32) -> Bool {
        guard let path = try? Self.cgroupPath(xid),
              let group = try? cgroups.cgroup(at: path, controllers: Self.controllers.intersection(cgroups.layout.placements.keys)) else { return false }
        return group.directories.contains { access($0, F_OK) == 0 }
    }

    private func start(xid: UInt32, command: [String], options: ContextOptions) throws(VirError) -> RunningContext {
        let boundingSet = (options.boundingSet ?? ContextOptions.defaultBoundingSet).intersection(ContextOptions.callerBoundingSet)
        let stateDirectory = try store.openDirectory(xid)
        defer { close(stateDirectory) }
        try store.writeNew(stateDirectory, "flags", String(options.flags.rawValue, radix: 16) + "\n")
        try store.writeNew(stateDirectory, "ccaps", String(options.capabilities.rawValue, radix: 16) + "\n")
        try store.writeNew(stateDirectory, "uname", Self.unameFile(options.uname))
        if let allowed = options.allowedDevices {
            try store.writeNew(stateDirectory, "devices", allowed.map { "\($0)\n" }.joined())
        }

        // Only a persistent context needs a resident init; every other one runs the command
        // itself as its first process (pid 1 with VXF_INFO_INIT), and the keeper answers its
        // seccomp notifications.
        let hasInit = options.flags.contains(.persistent)
        var plan = hasInit
            ? SpawnPlan(.path(initPath), arguments: ["swiftvirt-init", "--state-dir-fd", "3", "--"] + command)
            : SpawnPlan(.path(command[0]), arguments: command)
        plan.environment = options.environment
        plan.namespaces = Self.namespaces(for: options.flags)
        plan.hostname = options.uname[.nodename]
        plan.domainname = options.uname[.domainname]
        plan.mounts = options.mounts
        if plan.namespaces.contains(.pid) && plan.namespaces.contains(.mount) { plan.mounts.append(.proc()) }
        plan.rootfs = options.rootfs
        plan.readOnlyPaths = options.readOnlyPaths
        plan.workingDirectory = options.workingDirectory
        if let userNamespace = options.userNamespace {
            plan.namespaces.insert(.user)
            (plan.uidMap, plan.gidMap) = (userNamespace.uidMap, userNamespace.gidMap)
            (plan.uid, plan.gid, plan.groups) = (0, 0, [])
        }
        if let identity = options.identity {
            (plan.uid, plan.gid, plan.groups) = (identity.uid, identity.gid, [identity.gid])
        }
        var timeOffset: Int64 = 0
        if options.flags.contains(.virtUptime) {
            plan.namespaces.insert(.time)
            let offsets = TimeOffsets.sinceNow()
            plan.timeOffsets = offsets
            timeOffset = offsets.boottime
        }
        let cgroupPath = try Self.cgroupPath(xid)
        let defaultDevices = Self.hasDefaultDeviceRules(options.capabilities, allowed: options.allowedDevices)
        var ownControllers = Self.controllers.union(options.extraControllers)
        if options.flags.contains(.infoNproc) { ownControllers.insert(.pids) }
        if !defaultDevices { ownControllers.insert(.devices) }
        let controllers = ownControllers.intersection(cgroups.layout.placements.keys)
        plan.cgroupProcsFiles = try cgroups.cgroup(at: cgroupPath, controllers: controllers).procsFiles
        if defaultDevices, let shared = try sharedDevicesCgroup() { plan.cgroupProcsFiles += shared.procsFiles }
        plan.descriptors = options.descriptors
        if let console = options.console {
            for standard: Int32 in 0...2 { plan.descriptors[standard] = console.slave }
            plan.newSession = true
            plan.controllingTerminal = 0
        }
        if hasInit { plan.descriptors[3] = stateDirectory }
        plan.boundingSet = boundingSet
        plan.seccomp = [ContextSeccomp.program]
        // The cgroups are made while the child sets up its namespaces; it execs once it is in
        // them. They must be new: the xid's cgroups may be another root's context's.
        let made = CgroupCreation()
        defer { if made.failed { removeCgroups(of: xid, controllers: controllers) } }
        let child = try Spawner.spawn(plan) { (pid) throws(VirError) in
            let cgroup = try withCgroupLock { () throws(VirError) in try cgroups.create(cgroupPath, controllers: controllers, exclusively: true) }
            made.made = true
            made.inode = Self.cgroupInode(of: cgroup)
            if !defaultDevices { try Self.applyDeviceRules(options.capabilities, allowed: options.allowedDevices, to: cgroup) }
            if options.flags.contains(.infoNproc) { try cgroup.setPidsLimit(options.processLimit) }
            if let limit = options.memoryLimit { try cgroup.setMemoryLimit(limit) }
            try options.configureCgroup?(cgroup)
            if let configureNetwork = options.configureNetwork {
                let namespace = try Syscall.call("open the network namespace of process \(pid)") { open("/proc/\(pid)/ns/net", O_RDONLY | O_CLOEXEC) }
                defer { close(namespace) }
                try configureNetwork(namespace)
            }
        }
        let record: ContextRecord
        do throws(VirError) {
            record = ContextRecord(
                xid: xid, initPID: child.pid, initIdentity: try child.identity(), hasInit: hasInit,
                controllers: controllers.map(\.rawValue).sorted(), namespaces: plan.namespaces.rawValue, createdAt: Date().timeIntervalSince1970, timeOffset: timeOffset,
                boundingSet: boundingSet.rawValue, name: options.uname[.context] ?? "\(xid)",
                processLimit: options.processLimit, cgroupInode: made.inode)
            guard let listener = child.takeSeccompListener() else {
                throw VirError(.internalError, "the context's first process came without its seccomp listener", domain: .none)
            }
            defer { close(listener) }
            let mountNamespace = plan.namespaces.contains(.mount) ? Pidfd.namespace(.mount, of: child.pidfd) : nil
            defer { if let mountNamespace { close(mountNamespace) } }
            try keeper.keep(.first, xid: xid, stateDirectory: stateDirectory, listener: listener, pidfd: child.pidfd,
                            mountNamespace: mountNamespace, console: options.console)
            try store.save(record)
            if options.flags.contains(.schedPause) { try cgroups.cgroup(at: cgroupPath, controllers: controllers).freeze() }
        } catch {
            try? child.signal(SIGKILL)
            throw error
        }
        made.succeeded = true
        return RunningContext(context: Context(system: self, xid: xid, record: record), initProcess: child)
    }

    /// The namespaces the flags ask for: UTS, IPC and cgroup always; pid with VXF_INFO_INIT,
    /// mount with VXF_INFO_NSPACE, network with VXF_HIDE_NETIF.
    static func namespaces(for flags: ContextFlags) -> NamespaceSet {
        var namespaces: NamespaceSet = [.uts, .ipc, .cgroup]
        if flags.contains(.infoInit) { namespaces.insert(.pid) }
        if flags.contains(.infoNspace) { namespaces.insert(.mount) }
        if flags.contains(.hideNetif) { namespaces.insert(.network) }
        return namespaces
    }

    /// The `uname` file the keeper answers uname(2) from: sysname, release, version, machine.
    static func unameFile(_ overrides: [UnameField: String]) -> String {
        var host = utsname()
        Glibc.uname(&host)
        func field<T>(_ value: T) -> String {
            withUnsafeBytes(of: value) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
        }
        return [overrides[.sysname] ?? field(host.sysname), overrides[.release] ?? field(host.release),
                overrides[.version] ?? field(host.version), overrides[.machine] ?? field(host.machine)]
            .map { $0 + "\n" }.joined()
    }
}

/// What a creation did with its context's cgroups: whether it made them (so that a failure
/// removes them), their identity for the record, and whether the creation went through.
private final class CgroupCreation {
    var made = false
    var inode: UInt64?
    var succeeded = false
    var failed: Bool { made && !succeeded }
}
