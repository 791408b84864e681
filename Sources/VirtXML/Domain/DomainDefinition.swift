/// What a domain does when its guest powers off, reboots or crashes (`virDomainLifecycleAction`,
/// the `<on_poweroff>`, `<on_reboot>` and `<on_crash>` elements).
public enum LifecycleAction: String, Sendable, CaseIterable {
    /// `destroy`: the domain is stopped.
    case destroy
    /// `restart`: the domain is started again.
    case restart
    /// `preserve`: the domain is kept as it is, for debugging.
    case preserve
    /// `rename-restart`: the domain is restarted under a new name.
    case renameRestart = "rename-restart"
    /// `coredump-destroy` (on_crash only).
    case coredumpDestroy = "coredump-destroy"
    /// `coredump-restart` (on_crash only).
    case coredumpRestart = "coredump-restart"
}

/// `<maxMemory slots=… unit='KiB'>`: the memory hotplug ceiling.
public struct MaxMemory: Sendable, Equatable {
    /// The ceiling in KiB.
    public var kib: UInt64
    /// The number of hotplug slots (`slots`).
    public var slots: UInt32

    /// A ceiling of `kib` KiB with `slots` slots.
    public init(kib: UInt64, slots: UInt32) {
        self.kib = kib
        self.slots = slots
    }
}

/// `<resource>`: the resource partition a domain's cgroups are placed in.
public struct ResourceDefinition: Sendable, Equatable {
    /// `<partition>`, e.g. `/machine`.
    public var partition: String?
    /// Unmodelled content (e.g. `<fibrechannel>`).
    public var extras = XMLExtras()

    /// A resource element naming `partition`.
    public init(partition: String? = nil) {
        self.partition = partition
    }
}

/// A domain's definition: the typed view of libvirt's domain XML (`<domain>`, `virDomainDef`).
///
/// What SwiftVirt does not model is kept in its document position and written back
/// unchanged, so unknown elements and attributes round-trip.
public struct DomainDefinition: Sendable, Equatable {
    /// `<domain type=…>`: `test`, `lxc`, `qemu`, `kvm`.
    public var type: String
    /// `<name>`
    public var name: String
    /// `<uuid>`; generated when the document has none.
    public var uuid: DomainUUID
    /// `<title>`
    public var title: String? = nil
    /// `<description>`
    public var description: String? = nil
    /// `<metadata>`, kept verbatim (written back as libxml2 prints it, like libvirt).
    public var metadata: XMLElement? = nil
    /// `<memory>` in KiB: the maximum balloon size (`maxMem` of `virDomainInfo`).
    public var memory: UInt64 = 0
    /// `<memory dumpCore=…>` (`on`/`off`).
    public var memoryDumpCore: String? = nil
    /// `<currentMemory>` in KiB; equals `memory` when absent.
    public var currentMemory: UInt64 = 0
    /// `<maxMemory slots=…>` in KiB, for memory hotplug.
    public var maxMemory: MaxMemory? = nil
    /// `<blkiotune>`
    public var blkiotune = BlkioTune()
    /// `<vcpu>`
    public var vcpu = VCPUConfig()
    /// `<cputune>`
    public var cputune = CPUTune()
    /// `<memtune>`
    public var memtune: MemTune? = nil
    /// `<resource>`
    public var resource: ResourceDefinition? = nil
    /// `<os>`
    public var os = OSDefinition()
    /// `<idmap>` (containers).
    public var idmap: IDMap? = nil
    /// The children of `<features>` in document order, e.g. `<acpi/>`, `<hap state='on'/>`.
    public var features: [XMLElement] = []
    /// `<cpu>`, kept as a tree (its attributes and children are put in libvirt's order).
    public var cpu: XMLElement? = nil
    /// `<clock>`
    public var clock = ClockDefinition()
    /// `<on_poweroff>`
    public var onPoweroff: LifecycleAction = .destroy
    /// `<on_reboot>`
    public var onReboot: LifecycleAction = .restart
    /// `<on_crash>`
    public var onCrash: LifecycleAction = .destroy
    /// `<devices>`
    public var devices = DomainDevices()
    /// `<seclabel>` elements, in order.
    public var seclabels: [SecurityLabel] = []
    /// Attributes of `<domain>` other than `type` and `id`, e.g. `xmlns:qemu`.
    public var extraAttributes: [XMLAttribute] = []
    /// Top-level elements SwiftVirt does not model (`<numatune>`, `<qemu:commandline>`, …).
    public var unmodeled: [PlacedElement] = []

    /// A minimal definition, as a program would build one before formatting it.
    public init(type: String, name: String, uuid: DomainUUID = .random()) {
        self.type = type
        self.name = name
        self.uuid = uuid
    }
}

/// How `DomainDefinition.format` writes the document. Mirrors `virDomainXMLFlags`.
public struct DomainFormatOptions: Sendable, Equatable {
    /// The running domain's id, written as `<domain id=…>`; `nil` for an inactive domain.
    public var id: Int32? = nil
    /// `VIR_DOMAIN_XML_SECURE`: include passwords.
    public var secure = false
    /// `VIR_DOMAIN_XML_INACTIVE`: the persistent form, without live-only data.
    public var inactive = false
    /// `VIR_DOMAIN_XML_MIGRATABLE`: drop defaults that a peer would add anyway.
    public var migratable = false
    /// Defaults: the live form, no secrets.
    public init(id: Int32? = nil, secure: Bool = false, inactive: Bool = false, migratable: Bool = false) {
        self.id = id
        self.secure = secure
        self.inactive = inactive
        self.migratable = migratable
    }
}
