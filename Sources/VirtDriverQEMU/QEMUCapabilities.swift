/// What one QEMU binary can do, as far as the command line and the driver care: probed once
/// per binary (``QEMUCapabilityProbe``) and cached, libvirt's `virQEMUCaps`.
public struct QEMUCapabilities: Codable, Sendable, Equatable {
    /// One machine type (`query-machines`).
    public struct Machine: Codable, Sendable, Equatable {
        /// Its name, versioned (`pc-i440fx-7.2`).
        public var name: String
        /// The short name it answers to (`pc`), if any.
        public var alias: String?
        /// Whether it is the binary's default.
        public var isDefault: Bool
        /// The most vCPUs it takes.
        public var maximumCPUs: Int
        /// Whether vCPUs can be hot-plugged (`device_add` of `query-hotpluggable-cpus`).
        public var hotpluggableCPUs: Bool

        /// A machine type as `query-machines` describes it.
        public init(name: String, alias: String? = nil, isDefault: Bool = false, maximumCPUs: Int = 255, hotpluggableCPUs: Bool = true) {
            self.name = name
            self.alias = alias
            self.isDefault = isDefault
            self.maximumCPUs = maximumCPUs
            self.hotpluggableCPUs = hotpluggableCPUs
        }
    }

    /// The binary probed.
    public var emulator: String
    /// `major * 1,000,000 + minor * 1,000 + micro`, as `virConnectGetVersion` reports it.
    public var version: UInt64
    /// Debian's package version, say.
    public var package: String
    /// Every machine type.
    public var machines: [Machine]
    /// Every instantiable QOM type (devices, objects).
    public var types: Set<String>
    /// Whether the host has KVM for this binary.
    public var kvm: Bool

    /// Capabilities as a probe found them.
    public init(emulator: String, version: UInt64, package: String, machines: [Machine], types: Set<String>, kvm: Bool) {
        self.emulator = emulator
        self.version = version
        self.package = package
        self.machines = machines
        self.types = types
        self.kvm = kvm
    }

    /// The machine a definition's `<type machine=…>` names, by name or alias.
    public func machine(named name: String) -> Machine? {
        machines.first { $0.name == name || $0.alias == name }
    }

    /// Whether QOM type `type` (a device, an object) exists in this binary.
    public func has(_ type: String) -> Bool { types.contains(type) }
}
