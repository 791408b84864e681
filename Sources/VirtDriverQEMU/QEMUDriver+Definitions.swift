import VirtCore
import VirtError
import VirtXML

extension QEMUDriver {
    /// Parses a definition given to define or create, fills in libvirt's QEMU defaults (the
    /// emulator, a virtio balloon, interfaces' MACs) and checks that it can run: its
    /// emulator exists and takes everything it asks for (the command line builds). libvirt's
    /// `qemuDomainDefPostParse` and `qemuValidateDomainDef`.
    func prepare(_ xml: String) async throws(VirError) -> DomainDefinition {
        var definition = try DomainDefinition.parse(xml)
        if definition.devices.emulator == nil { definition.devices.emulator = Self.defaultEmulator }
        if definition.devices.memballoon == nil { definition.devices.memballoon = MemballoonDevice(model: "virtio") }
        if definition.currentMemory == 0 || definition.currentMemory > definition.memory { definition.currentMemory = definition.memory }
        definition.devices.assignInterfaceDefaults()
        try await check(definition)
        return definition
    }

    /// Checks that `definition` can run: its interfaces are well formed, and its emulator is
    /// a QEMU that takes its command line.
    func check(_ definition: DomainDefinition) async throws(VirError) {
        guard definition.type == "kvm" || definition.type == "qemu" else {
            throw VirError(.configUnsupported, "domain type '\(definition.type)': this driver runs 'kvm' and 'qemu' domains", domain: .qemu)
        }
        try HostInterfaces.validate(definition.devices.interfaces, domain: .qemu)
        _ = try QEMUCommandLine.build(withAgentSocket(definition), capabilities: try await capabilities(for: definition))
    }

    /// `definition` with the socket libvirt would give the guest agent's channel when it
    /// names none: `ROOT/run/NAME.agent`, which QEMU listens on. Only running definitions
    /// have it.
    func withAgentSocket(_ definition: DomainDefinition) -> DomainDefinition {
        var definition = definition
        for index in definition.devices.channels.indices {
            let channel = definition.devices.channels[index]
            guard channel.targetName == QEMUAgent.channelName, channel.type == "unix", channel.sourcePath == nil else { continue }
            definition.devices.channels[index].sourcePath = store.runDirectory + "/\(definition.name).agent"
            definition.devices.channels[index].sourceMode = "bind"
        }
        return definition
    }

    /// The capabilities of the definition's emulator.
    func capabilities(for definition: DomainDefinition) async throws(VirError) -> QEMUCapabilities {
        try await probe.capabilities(of: definition.devices.emulator ?? Self.defaultEmulator)
    }
}
