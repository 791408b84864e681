import VirtError
import VirtXML

/// QEMU's command line for a definition: a pure function of the definition, the binary's
/// capabilities and the descriptors the launcher passes, with no I/O, so that golden
/// xml2argv tests pin it down. libvirt's `qemuBuildCommandLine`.
///
/// The guest starts paused (`-S`); the launcher connects the monitor and then sends `cont`.
/// `-no-shutdown` keeps QEMU alive when the guest powers off, so that the driver, not QEMU,
/// applies `on_poweroff` (as libvirt does).
public enum QEMUCommandLine {
    /// What the launcher provides besides the definition.
    public struct Launch: Sendable, Equatable {
        /// The descriptor number (in QEMU) of the monitor's listening socket.
        public var monitorDescriptor: Int32
        /// The descriptor number (in QEMU) of a saved state to take in (`-incoming fd:N`),
        /// for a restore.
        public var incomingDescriptor: Int32?
        /// The descriptor number (in QEMU) of the first tap device: the K-th bridge or
        /// ethernet interface's tap is this plus K.
        public var firstTapDescriptor: Int32
        /// The taps (K, as above) that come with a vhost-net device: their descriptors follow
        /// the taps', in the same order.
        public var vhostNetTaps: Set<Int>

        /// A launch whose monitor socket is descriptor `monitorDescriptor`, restoring the
        /// state at `incomingDescriptor` if given, with its taps from `firstTapDescriptor` on,
        /// then the vhost-net devices of `vhostNetTaps`.
        public init(monitorDescriptor: Int32 = 3, incomingDescriptor: Int32? = nil, firstTapDescriptor: Int32 = 5, vhostNetTaps: Set<Int> = []) {
            self.monitorDescriptor = monitorDescriptor
            self.incomingDescriptor = incomingDescriptor
            self.firstTapDescriptor = firstTapDescriptor
            self.vhostNetTaps = vhostNetTaps
        }
    }

    /// The argument vector (`argv[0]` is the emulator) for `definition`. Fails with
    /// `VIR_ERR_CONFIG_UNSUPPORTED` for anything this driver does not model, rather than
    /// dropping it silently.
    public static func build(_ definition: DomainDefinition, capabilities: QEMUCapabilities, launch: Launch = Launch()) throws(VirError) -> [String] {
        let machine = try QEMUMachine(definition, capabilities: capabilities)
        var line = ArgumentList(machine: machine, capabilities: capabilities)
        line.append(capabilities.emulator)
        line.append("-name", "guest=\(escaped(definition.name)),debug-threads=on")
        line.append("-S")
        line.append("-machine", machine.option)
        line.append("-accel", machine.accelerator)
        try appendCPU(definition, machine: machine, to: &line)
        try appendMemory(definition, to: &line)
        try appendProcessors(definition, machine: machine, to: &line)
        line.append("-uuid", definition.uuid.description)
        line.append("-no-user-config")
        line.append("-nodefaults")
        line.append("-chardev", "socket,id=charmonitor,fd=\(launch.monitorDescriptor),server=on,wait=off")
        line.append("-mon", "chardev=charmonitor,id=monitor,mode=control")
        try appendClock(definition, to: &line)
        line.append("-no-shutdown")
        if let incoming = launch.incomingDescriptor { line.append("-incoming", "fd:\(incoming)") }
        if definition.onReboot == .destroy { line.append("-no-reboot") }
        try appendBoot(definition, to: &line)
        try QEMUDisks.append(definition.devices.disks, bootOrder: definition.os.bootDevices, to: &line)
        try QEMUNetworks.append(definition.devices.interfaces, bootOrder: definition.os.bootDevices, launch: launch, to: &line)
        try QEMUCharacterDevices.append(definition.devices, to: &line)
        try QEMUOtherDevices.append(definition.devices, to: &line)
        line.append("-msg", "timestamp=on")
        return line.arguments
    }

    /// A value for a comma-separated option: QEMU reads ",," as a literal comma.
    static func escaped(_ value: String) -> String {
        value.split(separator: ",", omittingEmptySubsequences: false).joined(separator: ",,")
    }

    private static func appendCPU(_ definition: DomainDefinition, machine: QEMUMachine, to line: inout ArgumentList) throws(VirError) {
        guard let cpu = definition.cpu else { return }
        let mode = cpu.attribute("mode") ?? "custom"
        switch mode {
        case "host-passthrough":
            guard machine.isKVM else { throw unsupported("CPU mode 'host-passthrough' needs KVM (domain type 'kvm')") }
            line.append("-cpu", "host")
        case "host-model":
            line.append("-cpu", machine.isKVM ? "host" : "max")
        case "maximum":
            line.append("-cpu", "max")
        case "custom":
            guard let model = cpu.child("model")?.text, !model.isEmpty else { return }
            guard line.capabilities.has("\(model)-x86_64-cpu") else { throw unsupported("CPU model '\(model)' is not known to \(line.capabilities.emulator)") }
            line.append("-cpu", model)
        default:
            throw unsupported("CPU mode '\(mode)'")
        }
    }

    private static func appendMemory(_ definition: DomainDefinition, to line: inout ArgumentList) throws(VirError) {
        guard definition.memory > 0 else { throw unsupported("a domain needs memory") }
        var option = "size=\(definition.memory)k"
        if let maximum = definition.maxMemory {
            guard maximum.kib >= definition.memory else { throw unsupported("maxMemory must not be less than memory") }
            option += ",slots=\(maximum.slots),maxmem=\(maximum.kib)k"
        }
        line.append("-m", option)
        line.append("-overcommit", "mem-lock=off")
    }

    private static func appendProcessors(_ definition: DomainDefinition, machine: QEMUMachine, to line: inout ArgumentList) throws(VirError) {
        let maximum = definition.vcpu.maximum
        let current = definition.vcpu.current
        guard current >= 1, current <= maximum else { throw unsupported("the current vcpus (\(current)) must be between 1 and the maximum (\(maximum))") }
        guard Int(maximum) <= machine.maximumCPUs else {
            throw unsupported("Maximum CPUs greater than specified machine type limit \(machine.maximumCPUs)")
        }
        line.append("-smp", "\(current),maxcpus=\(maximum),sockets=\(maximum),dies=1,cores=1,threads=1")
    }

    private static func appendClock(_ definition: DomainDefinition, to line: inout ArgumentList) throws(VirError) {
        switch definition.clock.offset {
        case "utc": line.append("-rtc", "base=utc")
        case "localtime": line.append("-rtc", "base=localtime")
        default: throw unsupported("clock offset '\(definition.clock.offset)'")
        }
    }

    private static func appendBoot(_ definition: DomainDefinition, to line: inout ArgumentList) throws(VirError) {
        let os = definition.os
        guard os.type == "hvm" else { throw unsupported("OS type '\(os.type)': this driver runs hvm guests") }
        if let kernel = os.kernel { line.append("-kernel", kernel) }
        if let initrd = os.initrd {
            guard os.kernel != nil else { throw unsupported("an initrd needs a kernel") }
            line.append("-initrd", initrd)
        }
        if let cmdline = os.cmdline {
            guard os.kernel != nil else { throw unsupported("a kernel command line needs a kernel") }
            line.append("-append", cmdline)
        }
        for device in os.bootDevices where !["hd", "cdrom", "network"].contains(device) {
            throw unsupported("boot device '\(device)'")
        }
        line.append("-boot", "strict=on")
    }

    static func unsupported(_ what: String) -> VirError {
        VirError(.configUnsupported, what, domain: .qemu)
    }
}
