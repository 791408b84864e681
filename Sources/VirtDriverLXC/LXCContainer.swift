import VirtContexts
import VirtCore
import VirtError
import VirtSystem
import VirtXML

#if canImport(Glibc)
import Glibc
#endif

/// How a `<domain type='lxc'>` definition becomes a security context: what this driver
/// supports of libvirt's LXC XML, and the refusals for what it does not (yet), so that
/// nothing in a definition is silently ignored.
enum LXCContainer {
    /// The capabilities a container never gets unless its XML allows them
    /// (``LXCCapabilityPolicy``), as libvirt's LXC driver drops them.
    static let droppedCapabilities: [Capability] = [.sysModule, .sysTime, .sysBoot, .mknod, .auditControl, .macAdmin, .macOverride, .sysRawio]

    /// The devices a container may use, as libvirt's LXC driver allows them: the nodes of
    /// its private /dev (null, zero, full, random, urandom, tty), console, ptmx and the pts
    /// terminals.
    static let allowedDevices: [DeviceRule] = {
        let characterDevices: [(UInt32, UInt32?)] = LXCFilesystems.deviceNodes.map { ($0.major, $0.minor) } + [(5, 1), (5, 2), (136, nil)]
        return characterDevices.compactMap { try? DeviceRule(.char, major: $0.0, minor: $0.1, access: "rwm") }
    }()

    /// Parses a definition given to define or create, fills in libvirt's defaults (an
    /// interface's MAC) and checks it.
    static func parse(_ xml: String) throws(VirError) -> DomainDefinition {
        var definition = try DomainDefinition.parse(xml)
        definition.devices.assignInterfaceDefaults()
        try validate(definition)
        return definition
    }

    /// Checks that the definition is a container this driver can run.
    static func validate(_ definition: DomainDefinition) throws(VirError) {
        guard definition.type == "lxc" else {
            throw VirError(.configUnsupported, "domain type '\(definition.type)' is not 'lxc'", domain: .lxc)
        }
        guard definition.os.type == "exe" else {
            throw VirError(.configUnsupported, "os type '\(definition.os.type)' is not 'exe'", domain: .lxc)
        }
        try LXCFilesystems.validate(definition.devices.filesystems)
        try LXCConsole.validate(definition.devices.consoles)
        try LXCInterfaces.validate(definition.devices.interfaces)
        try LXCUserNamespace.validate(definition.idmap)
        try LXCCapabilityPolicy.validate(definition)
        if let directory = definition.os.initDir, !directory.hasPrefix("/") {
            throw VirError(.configUnsupported, "the init's directory '\(directory)' is not an absolute path", domain: .lxc)
        }
        if definition.memtune?.minGuarantee != nil {
            throw VirError(.configUnsupported, "<memtune><min_guarantee> are not supported by this driver yet", domain: .lxc)
        }
        if let tune = definition.memtune, let hard = tune.hardLimit, let swap = tune.swapHardLimit, swap < hard {
            throw VirError(.configUnsupported, "memory hard_limit tunable value must be lower than or equal to swap_hard_limit", domain: .lxc)
        }
    }

    /// The init's command line: `<init>` (default /sbin/init) and its `<initarg>`s.
    static func command(of definition: DomainDefinition) -> [String] {
        [definition.os.initPath ?? "/sbin/init"] + definition.os.initArgs
    }

    /// The context that runs the container: own pid, mount, UTS, IPC and cgroup namespaces
    /// (and network with `<features><privnet/>` or interfaces), the domain's name as host name, its memory
    /// (currentMemory) as the memory cgroup limit, `<cputune>` shares, period and quota on the
    /// cpu cgroup, CPU time from cpuacct, its root and filesystems with a private /dev
    /// (``LXCFilesystems``), /proc/sys and /sys read-only, only libvirt's devices, libvirt's
    /// environment, the bounding set of its `<capabilities>` policy, and `console` as the init's terminal and
    /// /dev/console; the init starts in `<initdir>` (default /).
    static func options(for definition: DomainDefinition, host: HostCPUs, console: PseudoTerminal? = nil) throws(VirError) -> ContextOptions {
        var options = ContextOptions()
        options.workingDirectory = definition.os.initDir ?? "/"
        options.flags = [.infoInit, .infoNspace]
        let ownNetwork = definition.features.contains(where: { $0.name == "privnet" }) || !definition.devices.interfaces.isEmpty
        if ownNetwork { options.flags.insert(.hideNetif) }
        options.uname[.nodename] = definition.name
        options.uname[.context] = definition.name
        try configureCgroups(&options, for: definition, host: host)
        options.boundingSet = LXCCapabilityPolicy.boundingSet(for: definition, caller: ContextOptions.callerBoundingSet)
        let filesystems = definition.devices.filesystems
        options.rootfs = LXCFilesystems.rootfs(of: filesystems)
        options.mounts = LXCFilesystems.mounts(for: filesystems, console: console?.slavePath, idmap: definition.idmap,
                                               ownNetwork: ownNetwork)
        options.userNamespace = definition.idmap.map(LXCUserNamespace.maps)
        options.console = console
        options.readOnlyPaths = ["/proc/sys", "/sys"] + LXCFilesystems.readOnlyTargets(of: filesystems)
        options.allowedDevices = allowedDevices
        options.environment = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "container=lxc-libvirt",
                               "LIBVIRT_LXC_NAME=\(definition.name)", "LIBVIRT_LXC_UUID=\(definition.uuid)"]
            + definition.os.initEnv.map { "\($0.name)=\($0.value)" }
        return options
    }

    /// The cgroups' settings: the memory limit (`<memtune><hard_limit>`, else currentMemory),
    /// soft and memory+swap limits, the CPU quota and CPUs (``LXCCPULimits``), `<cputune>`
    /// shares, and the `<blkiotune>` weight and devices (whose paths must name block devices).
    private static func configureCgroups(_ options: inout ContextOptions, for definition: DomainDefinition, host: HostCPUs) throws(VirError) {
        let memtune = definition.memtune ?? MemTune()
        let memory = memtune.hardLimit ?? definition.containerMemoryKiB
        if memory > 0 { options.memoryLimit = Int64(memory) * 1024 }
        let limits = LXCCPULimits(definition, hostCPUs: host.cpus)
        let weight = definition.blkiotune.weight
        options.extraControllers = [.cpu, .cpuacct]
        if limits.cpus != nil { options.extraControllers.insert(.cpuset) }
        let blockDevices = try definition.blkiotune.devices.map { (device) throws(VirError) in try blockDeviceTune(device) }
        if weight != nil || !blockDevices.isEmpty { options.extraControllers.insert(.blkio) }
        let shares = definition.cputune.shares, memoryLimit = options.memoryLimit
        options.configureCgroup = { (cgroup) throws(VirError) in
            if let soft = memtune.softLimit { try cgroup.setMemorySoftLimit(Int64(soft) * 1024) }
            if let swap = memtune.swapHardLimit { try cgroup.setMemorySwapLimit(Int64(swap) * 1024, memory: memoryLimit) }
            if limits.cpus != nil { try limits.applyCPUs(to: cgroup, online: host.online) }
            if let weight { try cgroup.setBlkioWeight(UInt16(clamping: weight)) }
            for device in blockDevices { try cgroup.setBlockDeviceTune(device) }
            guard cgroup.controllers.contains(.cpu) else { return }
            if let shares { try cgroup.setCPUShares(shares) }
            if limits.quota != nil { try limits.applyQuota(to: cgroup) }
        }
    }

    /// Starts the container. With a `<console>`, the init's standard descriptors are the
    /// console's pty (``LXCConsole``); without, /dev/null. Its interfaces are made while its
    /// init is set up (``LXCInterfaces``). Returns the definition as it runs (with its pty's
    /// path and its interfaces' names).
    static func start(_ definition: DomainDefinition, in contexts: ContextSystem, host: HostCPUs) throws(VirError) -> (RunningContext, DomainDefinition) {
        let command = command(of: definition)
        try LXCFilesystems.checkSources(definition.devices.filesystems)
        try LXCInterfaces.checkTypes(definition.devices.interfaces)
        let rootfs = LXCFilesystems.rootfs(of: definition.devices.filesystems)
        guard isExecutable(command[0], under: rootfs) else {
            throw VirError(.operationFailed, "the init '\(command[0])' of domain '\(definition.name)' is not an executable file\(rootfs.map { " under '\($0)'" } ?? ""): \(String(cString: strerror(errno)))", domain: .lxc)
        }
        let null = open("/dev/null", O_RDWR | O_CLOEXEC)
        defer { if null >= 0 { close(null) } }
        let terminal = definition.devices.consoles.isEmpty ? nil : try PseudoTerminal.open()
        defer { terminal?.close() }  // the keeper has its own copies
        if let terminal, let idmap = definition.idmap { try LXCUserNamespace.giveToRoot(terminal, of: idmap) }
        var options = try options(for: definition, host: host, console: terminal)
        options.identity = try LXCInitIdentity.resolve(definition)
        options.descriptors = [0: null, 1: null, 2: null]
        let interfaces = definition.devices.interfaces
        let hostEnds = LXCInterfaces.HostEnds()
        if !interfaces.isEmpty {
            options.configureNetwork = { (namespace) throws(VirError) in
                try LXCInterfaces.connect(interfaces, namespace: namespace, made: hostEnds)
            }
        }
        do throws(VirError) {
            let running = try contexts.create(command: command, options: options)
            let live = LXCInterfaces.live(LXCConsole.live(definition, on: terminal), hostNames: hostEnds.all)
            return (running, live)
        } catch {
            LXCInterfaces.disconnect(hostEnds.all)
            throw error
        }
    }

    /// The cgroup settings of one `<blkiotune><device>`; throws if its path is not a block device.
    private static func blockDeviceTune(_ device: BlkioTune.Device) throws(VirError) -> BlockDeviceTune {
        var tune = try BlockDeviceTune(devicePath: device.path)
        tune.weight = device.weight
        tune.readBytesPerSecond = device.readBytesSec
        tune.writeBytesPerSecond = device.writeBytesSec
        tune.readIOPerSecond = device.readIopsSec.map(UInt64.init)
        tune.writeIOPerSecond = device.writeIopsSec.map(UInt64.init)
        return tune
    }

    /// Whether `path` (inside `rootfs`, if any) is an executable file. A symbolic link inside
    /// a rootfs is left to exec: its target is a path of the container's, not the host's.
    private static func isExecutable(_ path: String, under rootfs: String?) -> Bool {
        guard let rootfs else { return access(path, X_OK) == 0 }
        var status = stat()
        guard lstat(rootfs + path, &status) == 0 else { return false }
        return status.st_mode & S_IFMT == S_IFLNK || access(rootfs + path, X_OK) == 0
    }
}
