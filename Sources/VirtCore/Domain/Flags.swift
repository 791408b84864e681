// One OptionSet per libvirt flag enum, with libvirt's bit values.

/// Filters of `virConnectListAllDomains`. Corresponds to `virConnectListAllDomainsFlags`.
public struct ListDomainsFlags: OptionSet, Sendable, Hashable, KnownFlags {
    /// The raw bits, as libvirt passes them.
    public let rawValue: UInt32
    /// Wraps raw bits.
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// `VIR_CONNECT_LIST_DOMAINS_ACTIVE`
    public static let active = Self(rawValue: 1)
    /// `VIR_CONNECT_LIST_DOMAINS_INACTIVE`
    public static let inactive = Self(rawValue: 2)
    /// `VIR_CONNECT_LIST_DOMAINS_PERSISTENT`
    public static let persistent = Self(rawValue: 4)
    /// `VIR_CONNECT_LIST_DOMAINS_TRANSIENT`
    public static let transient = Self(rawValue: 8)
    /// `VIR_CONNECT_LIST_DOMAINS_RUNNING`
    public static let running = Self(rawValue: 16)
    /// `VIR_CONNECT_LIST_DOMAINS_PAUSED`
    public static let paused = Self(rawValue: 32)
    /// `VIR_CONNECT_LIST_DOMAINS_SHUTOFF`
    public static let shutoff = Self(rawValue: 64)
    /// `VIR_CONNECT_LIST_DOMAINS_OTHER`
    public static let other = Self(rawValue: 128)
    /// `VIR_CONNECT_LIST_DOMAINS_MANAGEDSAVE`
    public static let managedsave = Self(rawValue: 256)
    /// `VIR_CONNECT_LIST_DOMAINS_NO_MANAGEDSAVE`
    public static let noManagedsave = Self(rawValue: 512)
    /// `VIR_CONNECT_LIST_DOMAINS_AUTOSTART`
    public static let autostart = Self(rawValue: 1024)
    /// `VIR_CONNECT_LIST_DOMAINS_NO_AUTOSTART`
    public static let noAutostart = Self(rawValue: 2048)
    /// `VIR_CONNECT_LIST_DOMAINS_HAS_SNAPSHOT`
    public static let hasSnapshot = Self(rawValue: 4096)
    /// `VIR_CONNECT_LIST_DOMAINS_NO_SNAPSHOT`
    public static let noSnapshot = Self(rawValue: 8192)
    /// `VIR_CONNECT_LIST_DOMAINS_HAS_CHECKPOINT`
    public static let hasCheckpoint = Self(rawValue: 16384)
    /// `VIR_CONNECT_LIST_DOMAINS_NO_CHECKPOINT`
    public static let noCheckpoint = Self(rawValue: 32768)
    /// Every bit libvirt defines for this call.
    public static let known: Self = [.active, .inactive, .persistent, .transient, .running, .paused, .shutoff, .other, .managedsave, .noManagedsave, .autostart, .noAutostart, .hasSnapshot, .noSnapshot, .hasCheckpoint, .noCheckpoint]
}

/// Flags of `virDomainGetXMLDesc`. Corresponds to `virDomainXMLFlags`.
public struct DomainXMLFlags: OptionSet, Sendable, Hashable, KnownFlags {
    /// The raw bits, as libvirt passes them.
    public let rawValue: UInt32
    /// Wraps raw bits.
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// `VIR_DOMAIN_XML_SECURE`
    public static let secure = Self(rawValue: 1)
    /// `VIR_DOMAIN_XML_INACTIVE`
    public static let inactive = Self(rawValue: 2)
    /// `VIR_DOMAIN_XML_UPDATE_CPU`
    public static let updateCpu = Self(rawValue: 4)
    /// `VIR_DOMAIN_XML_MIGRATABLE`
    public static let migratable = Self(rawValue: 8)
    /// Every bit libvirt defines for this call.
    public static let known: Self = [.secure, .inactive, .updateCpu, .migratable]
}

/// Flags of `virDomainUndefineFlags`. Corresponds to `virDomainUndefineFlagsValues`.
public struct UndefineFlags: OptionSet, Sendable, Hashable, KnownFlags {
    /// The raw bits, as libvirt passes them.
    public let rawValue: UInt32
    /// Wraps raw bits.
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// `VIR_DOMAIN_UNDEFINE_MANAGED_SAVE`
    public static let managedSave = Self(rawValue: 1)
    /// `VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA`
    public static let snapshotsMetadata = Self(rawValue: 2)
    /// `VIR_DOMAIN_UNDEFINE_NVRAM`
    public static let nvram = Self(rawValue: 4)
    /// `VIR_DOMAIN_UNDEFINE_KEEP_NVRAM`
    public static let keepNvram = Self(rawValue: 8)
    /// `VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA`
    public static let checkpointsMetadata = Self(rawValue: 16)
    /// `VIR_DOMAIN_UNDEFINE_TPM`
    public static let tpm = Self(rawValue: 32)
    /// `VIR_DOMAIN_UNDEFINE_KEEP_TPM`
    public static let keepTpm = Self(rawValue: 64)
    /// Every bit libvirt defines for this call.
    public static let known: Self = [.managedSave, .snapshotsMetadata, .nvram, .keepNvram, .checkpointsMetadata, .tpm, .keepTpm]
}

/// Flags of `virDomainSnapshotCreateXML`. Corresponds to `virDomainSnapshotCreateFlags`.
public struct SnapshotCreateFlags: OptionSet, Sendable, Hashable, KnownFlags {
    /// The raw bits, as libvirt passes them.
    public let rawValue: UInt32
    /// Wraps raw bits.
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// `VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE`
    public static let redefine = Self(rawValue: 1)
    /// `VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT`
    public static let current = Self(rawValue: 2)
    /// `VIR_DOMAIN_SNAPSHOT_CREATE_NO_METADATA`
    public static let noMetadata = Self(rawValue: 4)
    /// `VIR_DOMAIN_SNAPSHOT_CREATE_HALT`
    public static let halt = Self(rawValue: 8)
    /// `VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY`
    public static let diskOnly = Self(rawValue: 16)
    /// `VIR_DOMAIN_SNAPSHOT_CREATE_REUSE_EXT`
    public static let reuseExt = Self(rawValue: 32)
    /// `VIR_DOMAIN_SNAPSHOT_CREATE_QUIESCE`
    public static let quiesce = Self(rawValue: 64)
    /// `VIR_DOMAIN_SNAPSHOT_CREATE_ATOMIC`
    public static let atomic = Self(rawValue: 128)
    /// `VIR_DOMAIN_SNAPSHOT_CREATE_LIVE`
    public static let live = Self(rawValue: 256)
    /// `VIR_DOMAIN_SNAPSHOT_CREATE_VALIDATE`
    public static let validate = Self(rawValue: 512)
    /// Every bit libvirt defines for this call.
    public static let known: Self = [.redefine, .current, .noMetadata, .halt, .diskOnly, .reuseExt, .quiesce, .atomic, .live, .validate]
}

/// Filters of `virDomainListAllSnapshots`, `virDomainSnapshotListNames` and the children calls. `ROOTS` (for a domain) and `DESCENDANTS` (for a snapshot) share bit 0. Corresponds to `virDomainSnapshotListFlags`.
public struct SnapshotListFlags: OptionSet, Sendable, Hashable, KnownFlags {
    /// The raw bits, as libvirt passes them.
    public let rawValue: UInt32
    /// Wraps raw bits.
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// `VIR_DOMAIN_SNAPSHOT_LIST_ROOTS`
    public static let roots = Self(rawValue: 1)
    /// `VIR_DOMAIN_SNAPSHOT_LIST_METADATA`
    public static let metadata = Self(rawValue: 2)
    /// `VIR_DOMAIN_SNAPSHOT_LIST_LEAVES`
    public static let leaves = Self(rawValue: 4)
    /// `VIR_DOMAIN_SNAPSHOT_LIST_NO_LEAVES`
    public static let noLeaves = Self(rawValue: 8)
    /// `VIR_DOMAIN_SNAPSHOT_LIST_NO_METADATA`
    public static let noMetadata = Self(rawValue: 16)
    /// `VIR_DOMAIN_SNAPSHOT_LIST_INACTIVE`
    public static let inactive = Self(rawValue: 32)
    /// `VIR_DOMAIN_SNAPSHOT_LIST_ACTIVE`
    public static let active = Self(rawValue: 64)
    /// `VIR_DOMAIN_SNAPSHOT_LIST_DISK_ONLY`
    public static let diskOnly = Self(rawValue: 128)
    /// `VIR_DOMAIN_SNAPSHOT_LIST_INTERNAL`
    public static let `internal` = Self(rawValue: 256)
    /// `VIR_DOMAIN_SNAPSHOT_LIST_EXTERNAL`
    public static let external = Self(rawValue: 512)
    /// `VIR_DOMAIN_SNAPSHOT_LIST_TOPOLOGICAL`
    public static let topological = Self(rawValue: 1024)
    /// Every bit libvirt defines for this call.
    public static let known: Self = [.roots, .metadata, .leaves, .noLeaves, .noMetadata, .inactive, .active, .diskOnly, .`internal`, .external, .topological]
}

/// Flags of `virDomainRevertToSnapshot`. Corresponds to `virDomainSnapshotRevertFlags`.
public struct SnapshotRevertFlags: OptionSet, Sendable, Hashable, KnownFlags {
    /// The raw bits, as libvirt passes them.
    public let rawValue: UInt32
    /// Wraps raw bits.
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// `VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING`
    public static let running = Self(rawValue: 1)
    /// `VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED`
    public static let paused = Self(rawValue: 2)
    /// `VIR_DOMAIN_SNAPSHOT_REVERT_FORCE`
    public static let force = Self(rawValue: 4)
    /// `VIR_DOMAIN_SNAPSHOT_REVERT_RESET_NVRAM`
    public static let resetNvram = Self(rawValue: 8)
    /// Every bit libvirt defines for this call.
    public static let known: Self = [.running, .paused, .force, .resetNvram]
}

/// Flags of `virDomainSnapshotDelete`. Corresponds to `virDomainSnapshotDeleteFlags`.
public struct SnapshotDeleteFlags: OptionSet, Sendable, Hashable, KnownFlags {
    /// The raw bits, as libvirt passes them.
    public let rawValue: UInt32
    /// Wraps raw bits.
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// `VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN`
    public static let children = Self(rawValue: 1)
    /// `VIR_DOMAIN_SNAPSHOT_DELETE_METADATA_ONLY`
    public static let metadataOnly = Self(rawValue: 2)
    /// `VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN_ONLY`
    public static let childrenOnly = Self(rawValue: 4)
    /// Every bit libvirt defines for this call.
    public static let known: Self = [.children, .metadataOnly, .childrenOnly]
}

/// Flags of `virDomainSnapshotGetXMLDesc`. Corresponds to `virDomainSnapshotXMLFlags`.
public struct SnapshotXMLFlags: OptionSet, Sendable, Hashable, KnownFlags {
    /// The raw bits, as libvirt passes them.
    public let rawValue: UInt32
    /// Wraps raw bits.
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// `VIR_DOMAIN_SNAPSHOT_XML_SECURE`
    public static let secure = Self(rawValue: 1)
    /// Every bit libvirt defines for this call.
    public static let known: Self = [.secure]
}

/// Which definition a change affects; empty is `VIR_DOMAIN_AFFECT_CURRENT`. Corresponds to `virDomainModificationImpact`.
public struct ModificationImpact: OptionSet, Sendable, Hashable, KnownFlags {
    /// The raw bits, as libvirt passes them.
    public let rawValue: UInt32
    /// Wraps raw bits.
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// `VIR_DOMAIN_AFFECT_LIVE`
    public static let live = Self(rawValue: 1)
    /// `VIR_DOMAIN_AFFECT_CONFIG`
    public static let config = Self(rawValue: 2)
    /// Every bit libvirt defines for this call.
    public static let known: Self = [.live, .config]
}

/// Flags of `virDomainSetVcpusFlags` and `virDomainGetVcpusFlags`; empty is `VIR_DOMAIN_VCPU_CURRENT`. Corresponds to `virDomainVcpuFlags`.
public struct VcpuFlags: OptionSet, Sendable, Hashable, KnownFlags {
    /// The raw bits, as libvirt passes them.
    public let rawValue: UInt32
    /// Wraps raw bits.
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// `VIR_DOMAIN_VCPU_LIVE`
    public static let live = Self(rawValue: 1)
    /// `VIR_DOMAIN_VCPU_CONFIG`
    public static let config = Self(rawValue: 2)
    /// `VIR_DOMAIN_VCPU_MAXIMUM`
    public static let maximum = Self(rawValue: 4)
    /// `VIR_DOMAIN_VCPU_GUEST`
    public static let guest = Self(rawValue: 8)
    /// `VIR_DOMAIN_VCPU_HOTPLUGGABLE`
    public static let hotpluggable = Self(rawValue: 16)
    /// Every bit libvirt defines for this call.
    public static let known: Self = [.live, .config, .maximum, .guest, .hotpluggable]
}

/// Flags of `virDomainSetMemoryFlags`; empty is `VIR_DOMAIN_MEM_CURRENT`. Corresponds to `virDomainMemoryModFlags`.
public struct MemoryFlags: OptionSet, Sendable, Hashable, KnownFlags {
    /// The raw bits, as libvirt passes them.
    public let rawValue: UInt32
    /// Wraps raw bits.
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// `VIR_DOMAIN_MEM_LIVE`
    public static let live = Self(rawValue: 1)
    /// `VIR_DOMAIN_MEM_CONFIG`
    public static let config = Self(rawValue: 2)
    /// `VIR_DOMAIN_MEM_MAXIMUM`
    public static let maximum = Self(rawValue: 4)
    /// Every bit libvirt defines for this call.
    public static let known: Self = [.live, .config, .maximum]
}

/// Flags of `virDomainSaveFlags` and `virDomainRestoreFlags`. Corresponds to `virDomainSaveRestoreFlags`.
public struct SaveRestoreFlags: OptionSet, Sendable, Hashable, KnownFlags {
    /// The raw bits, as libvirt passes them.
    public let rawValue: UInt32
    /// Wraps raw bits.
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// `VIR_DOMAIN_SAVE_BYPASS_CACHE`
    public static let bypassCache = Self(rawValue: 1)
    /// `VIR_DOMAIN_SAVE_RUNNING`
    public static let running = Self(rawValue: 2)
    /// `VIR_DOMAIN_SAVE_PAUSED`
    public static let paused = Self(rawValue: 4)
    /// `VIR_DOMAIN_SAVE_RESET_NVRAM`
    public static let resetNvram = Self(rawValue: 8)
    /// Every bit libvirt defines for this call.
    public static let known: Self = [.bypassCache, .running, .paused, .resetNvram]
}

/// Flags of `virDomainCreateWithFlags` and `virDomainCreateXML`. Corresponds to `virDomainCreateFlags`.
public struct CreateFlags: OptionSet, Sendable, Hashable, KnownFlags {
    /// The raw bits, as libvirt passes them.
    public let rawValue: UInt32
    /// Wraps raw bits.
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// `VIR_DOMAIN_START_PAUSED`
    public static let paused = Self(rawValue: 1)
    /// `VIR_DOMAIN_START_AUTODESTROY`
    public static let autodestroy = Self(rawValue: 2)
    /// `VIR_DOMAIN_START_BYPASS_CACHE`
    public static let bypassCache = Self(rawValue: 4)
    /// `VIR_DOMAIN_START_FORCE_BOOT`
    public static let forceBoot = Self(rawValue: 8)
    /// `VIR_DOMAIN_START_VALIDATE`
    public static let validate = Self(rawValue: 16)
    /// `VIR_DOMAIN_START_RESET_NVRAM`
    public static let resetNvram = Self(rawValue: 32)
    /// Every bit libvirt defines for this call.
    public static let known: Self = [.paused, .autodestroy, .bypassCache, .forceBoot, .validate, .resetNvram]
}

/// Flags of `virDomainDestroyFlags`; empty is `VIR_DOMAIN_DESTROY_DEFAULT`. Corresponds to `virDomainDestroyFlagsValues`.
public struct DestroyFlags: OptionSet, Sendable, Hashable, KnownFlags {
    /// The raw bits, as libvirt passes them.
    public let rawValue: UInt32
    /// Wraps raw bits.
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// `VIR_DOMAIN_DESTROY_GRACEFUL`
    public static let graceful = Self(rawValue: 1)
    /// `VIR_DOMAIN_DESTROY_REMOVE_LOGS`
    public static let removeLogs = Self(rawValue: 2)
    /// Every bit libvirt defines for this call.
    public static let known: Self = [.graceful, .removeLogs]
}

/// Methods of `virDomainShutdownFlags` and `virDomainReboot`; empty lets the driver choose. Corresponds to `virDomainShutdownFlagValues`.
public struct ShutdownFlags: OptionSet, Sendable, Hashable, KnownFlags {
    /// The raw bits, as libvirt passes them.
    public let rawValue: UInt32
    /// Wraps raw bits.
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// `VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN`
    public static let acpiPowerBtn = Self(rawValue: 1)
    /// `VIR_DOMAIN_SHUTDOWN_GUEST_AGENT`
    public static let guestAgent = Self(rawValue: 2)
    /// `VIR_DOMAIN_SHUTDOWN_INITCTL`
    public static let initctl = Self(rawValue: 4)
    /// `VIR_DOMAIN_SHUTDOWN_SIGNAL`
    public static let signal = Self(rawValue: 8)
    /// `VIR_DOMAIN_SHUTDOWN_PARAVIRT`
    public static let paravirt = Self(rawValue: 16)
    /// Every bit libvirt defines for this call.
    public static let known: Self = [.acpiPowerBtn, .guestAgent, .initctl, .signal, .paravirt]
}

/// Methods of `virDomainReboot`; empty lets the driver choose. Corresponds to
/// `virDomainRebootFlagValues`, whose bits are those of `virDomainShutdownFlagValues`.
public typealias RebootFlags = ShutdownFlags

/// Flags of `virDomainDefineXMLFlags`. Corresponds to `virDomainDefineFlags`.
public struct DefineFlags: OptionSet, Sendable, Hashable, KnownFlags {
    /// The raw bits, as libvirt passes them.
    public let rawValue: UInt32
    /// Wraps raw bits.
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// `VIR_DOMAIN_DEFINE_VALIDATE`
    public static let validate = Self(rawValue: 1)
    /// Every bit libvirt defines for this call.
    public static let known: Self = [.validate]
}

/// Flags of `virDomainCoreDump`. Corresponds to `virDomainCoreDumpFlags`.
public struct DumpFlags: OptionSet, Sendable, Hashable, KnownFlags {
    /// The raw bits, as libvirt passes them.
    public let rawValue: UInt32
    /// Wraps raw bits.
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// `VIR_DUMP_CRASH`: crash the domain after the dump; its `on_crash` policy applies.
    public static let crash = Self(rawValue: 1)
    /// `VIR_DUMP_LIVE`
    public static let live = Self(rawValue: 2)
    /// `VIR_DUMP_BYPASS_CACHE`
    public static let bypassCache = Self(rawValue: 4)
    /// `VIR_DUMP_RESET`
    public static let reset = Self(rawValue: 8)
    /// `VIR_DUMP_MEMORY_ONLY`
    public static let memoryOnly = Self(rawValue: 16)
    /// Every bit libvirt defines for this call.
    public static let known: Self = [.crash, .live, .bypassCache, .reset, .memoryOnly]
}

/// Flags of `virDomainOpenConsole`. Corresponds to `virDomainConsoleFlags`.
public struct ConsoleFlags: OptionSet, Sendable, Hashable, KnownFlags {
    /// The raw bits, as libvirt passes them.
    public let rawValue: UInt32
    /// Wraps raw bits.
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// `VIR_DOMAIN_CONSOLE_FORCE`: end a session already attached instead of failing.
    public static let force = Self(rawValue: 1)
    /// `VIR_DOMAIN_CONSOLE_SAFE`: only attach if concurrent sessions are detected.
    public static let safe = Self(rawValue: 2)
    /// Every bit libvirt defines for this call.
    public static let known: Self = [.force, .safe]
}

/// Which messages `virDomainGetMessages` returns (`virDomainMessageType`); none means all.
public struct DomainMessageFlags: OptionSet, Sendable, Hashable, KnownFlags {
    /// The raw bits, as libvirt passes them.
    public let rawValue: UInt32
    /// Wraps raw bits.
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// `VIR_DOMAIN_MESSAGE_DEPRECATION`
    public static let deprecation = Self(rawValue: 1)
    /// `VIR_DOMAIN_MESSAGE_TAINTING`
    public static let tainting = Self(rawValue: 2)
    /// `VIR_DOMAIN_MESSAGE_IOERRORS`
    public static let ioErrors = Self(rawValue: 4)
    /// Every bit libvirt defines for this call.
    public static let known: Self = [.deprecation, .tainting, .ioErrors]
}
