import VirtError
import VirtXML

/// How a domain is found: `virDomainLookupByID`, `…ByName`, `…ByUUID`.
public enum DomainLookupKey: Sendable, Hashable {
    /// By running id.
    case id(Int32)
    /// By name.
    case name(String)
    /// By UUID.
    case uuid(DomainUUID)
}


/// Domain calls a driver answers. The front door (``Connection``, ``Domain``) has already
/// checked the connection, read-only access and unknown flag bits; the driver checks the
/// flags it supports, the domain's state and the arguments' meaning.
///
/// Every method has a default that throws `VIR_ERR_NO_SUPPORT`.
public protocol DomainDriver: Sendable {
    /// `virConnectListAllDomains`: identities matching `flags`.
    func listAllDomains(flags: ListDomainsFlags) async throws -> [DomainIdentity]
    /// `virDomainLookupByID` / `ByName` / `ByUUID`.
    func lookupDomain(_ key: DomainLookupKey) async throws -> DomainIdentity
    /// `virDomainCreateXML` (and the seed's `virDomainCreateLinux`): a transient, running domain.
    func createDomain(xml: String, flags: CreateFlags) async throws -> DomainIdentity
    /// `virDomainDefineXMLFlags`
    func defineDomain(xml: String, flags: DefineFlags) async throws -> DomainIdentity
    /// `virDomainUndefineFlags`
    func undefine(_ domain: DomainIdentity, flags: UndefineFlags) async throws
    /// `virDomainCreateWithFlags`: starts a defined domain; returns it with its new id.
    func start(_ domain: DomainIdentity, flags: CreateFlags) async throws -> DomainIdentity
    /// `virDomainDestroyFlags`
    func destroy(_ domain: DomainIdentity, flags: DestroyFlags) async throws
    /// `virDomainSuspend`
    func suspend(_ domain: DomainIdentity) async throws
    /// `virDomainResume`
    func resume(_ domain: DomainIdentity) async throws
    /// `virDomainShutdownFlags`
    func shutdown(_ domain: DomainIdentity, flags: ShutdownFlags) async throws
    /// `virDomainReboot`
    func reboot(_ domain: DomainIdentity, flags: RebootFlags) async throws
    /// `virDomainReset`
    func reset(_ domain: DomainIdentity) async throws
    /// `virDomainSaveFlags`: saves the running state to `path` and stops the domain.
    func save(_ domain: DomainIdentity, to path: String, xml: String?, flags: SaveRestoreFlags) async throws
    /// `virDomainRestoreFlags`: starts a domain from a file written by ``save(_:to:xml:flags:)``.
    func restore(from path: String, xml: String?, flags: SaveRestoreFlags) async throws
    /// `virDomainSaveImageGetXMLDesc`: the definition inside a file written by
    /// ``save(_:to:xml:flags:)``.
    func saveImageXML(path: String, flags: DomainXMLFlags) async throws -> String
    /// `virDomainGetJobInfo`: the domain's current background job.
    func jobInfo(_ domain: DomainIdentity) async throws -> DomainJobInfo
    /// `virDomainCoreDump`
    func coreDump(_ domain: DomainIdentity, to path: String, flags: DumpFlags) async throws
    /// `virDomainGetInfo`
    func info(_ domain: DomainIdentity) async throws -> DomainInfo
    /// `virDomainGetState`
    func state(_ domain: DomainIdentity) async throws -> (state: DomainState, reason: DomainStateReason)
    /// `virDomainGetMaxMemory`, in KiB.
    func maxMemory(_ domain: DomainIdentity) async throws -> UInt64
    /// `virDomainSetMaxMemory`, in KiB.
    func setMaxMemory(_ domain: DomainIdentity, kib: UInt64) async throws
    /// `virDomainSetMemoryFlags`, in KiB.
    func setMemory(_ domain: DomainIdentity, kib: UInt64, flags: MemoryFlags) async throws
    /// `virDomainSetVcpusFlags`
    func setVcpus(_ domain: DomainIdentity, count: UInt32, flags: VcpuFlags) async throws
    /// `virDomainGetVcpusFlags`
    func vcpuCount(_ domain: DomainIdentity, flags: VcpuFlags) async throws -> UInt32
    /// `virDomainGetVcpus`: one record per vcpu, each with a full-width affinity map.
    func vcpus(_ domain: DomainIdentity) async throws -> [VcpuInfo]
    /// `virDomainPinVcpuFlags`
    func pinVcpu(_ domain: DomainIdentity, vcpu: UInt32, cpumap: CPUMap, flags: ModificationImpact) async throws
    /// `virDomainGetVcpuPinInfo`: one affinity map per vcpu.
    func vcpuPinInfo(_ domain: DomainIdentity, flags: ModificationImpact) async throws -> [CPUMap]
    /// `virDomainGetXMLDesc`
    func xmlDescription(_ domain: DomainIdentity, flags: DomainXMLFlags) async throws -> String
    /// `virDomainGetOSType`
    func osType(_ domain: DomainIdentity) async throws -> String
    /// `virDomainGetAutostart`
    func autostart(_ domain: DomainIdentity) async throws -> Bool
    /// `virDomainSetAutostart`
    func setAutostart(_ domain: DomainIdentity, _ enabled: Bool) async throws
    /// `virDomainIsActive`
    func isActive(_ domain: DomainIdentity) async throws -> Bool
    /// `virDomainIsPersistent`
    func isPersistent(_ domain: DomainIdentity) async throws -> Bool
    /// `virDomainHasManagedSaveImage`
    func hasManagedSaveImage(_ domain: DomainIdentity) async throws -> Bool
    /// `virDomainGetMessages`: the domain's deprecation, tainting and I/O error notes.
    func messages(_ domain: DomainIdentity, flags: DomainMessageFlags) async throws -> [String]
    /// `virDomainGetSecurityLabel`
    func securityLabel(_ domain: DomainIdentity) async throws -> DomainSecurityLabel
    /// `virDomainOpenConsole`: a stream socket carrying the console's bytes both ways.
    func openConsole(_ domain: DomainIdentity, device: String?, flags: ConsoleFlags) async throws -> Int32
    /// `virDomainLxcOpenNamespace`: descriptors of the container's namespaces, which the
    /// caller closes.
    func lxcOpenNamespace(_ domain: DomainIdentity, flags: LxcFlags) async throws -> [Int32]
    /// `virDomainQemuMonitorCommand`
    func qemuMonitorCommand(_ domain: DomainIdentity, command: String, flags: QemuMonitorCommandFlags) async throws -> String
    /// `virDomainQemuMonitorCommandWithFiles`: `files` stay the caller's.
    func qemuMonitorCommandWithFiles(_ domain: DomainIdentity, command: String, files: [Int32], flags: QemuMonitorCommandFlags) async throws
        -> QemuMonitorCommandResult
    /// `virDomainQemuAgentCommand`
    func qemuAgentCommand(_ domain: DomainIdentity, command: String, timeout: Int32, flags: UInt32) async throws -> String?
}

extension DomainDriver {
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func listAllDomains(flags: ListDomainsFlags) async throws -> [DomainIdentity] { throw VirError.noSupport("virConnectListAllDomains") }
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func lookupDomain(_ key: DomainLookupKey) async throws -> DomainIdentity { throw VirError.noSupport("virDomainLookup") }
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func createDomain(xml: String, flags: CreateFlags) async throws -> DomainIdentity { throw VirError.noSupport("virDomainCreateXML") }
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func defineDomain(xml: String, flags: DefineFlags) async throws -> DomainIdentity { throw VirError.noSupport("virDomainDefineXMLFlags") }
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func undefine(_ domain: DomainIdentity, flags: UndefineFlags) async throws { throw VirError.noSupport("virDomainUndefineFlags") }
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func start(_ domain: DomainIdentity, flags: CreateFlags) async throws -> DomainIdentity { throw VirError.noSupport("virDomainCreateWithFlags") }
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func destroy(_ domain: DomainIdentity, flags: DestroyFlags) async throws { throw VirError.noSupport("virDomainDestroyFlags") }
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func suspend(_ domain: DomainIdentity) async throws { throw VirError.noSupport("virDomainSuspend") }
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func resume(_ domain: DomainIdentity) async throws { throw VirError.noSupport("virDomainResume") }
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func shutdown(_ domain: DomainIdentity, flags: ShutdownFlags) async throws { throw VirError.noSupport("virDomainShutdownFlags") }
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func reboot(_ domain: DomainIdentity, flags: RebootFlags) async throws { throw VirError.noSupport("virDomainReboot") }
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func reset(_ domain: DomainIdentity) async throws { throw VirError.noSupport("virDomainReset") }
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func save(_ domain: DomainIdentity, to path: String, xml: String?, flags: SaveRestoreFlags) async throws { throw VirError.noSupport("virDomainSaveFlags") }
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func restore(from path: String, xml: String?, flags: SaveRestoreFlags) async throws { throw VirError.noSupport("virDomainRestoreFlags") }
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func saveImageXML(path: String, flags: DomainXMLFlags) async throws -> String { throw VirError.noSupport("virDomainSaveImageGetXMLDesc") }
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func jobInfo(_ domain: DomainIdentity) async throws -> DomainJobInfo { throw VirError.noSupport("virDomainGetJobInfo") }
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func coreDump(_ domain: DomainIdentity, to path: String, flags: DumpFlags) async throws { throw VirError.noSupport("virDomainCoreDump") }
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func info(_ domain: DomainIdentity) async throws -> DomainInfo { throw VirError.noSupport("virDomainGetInfo") }
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func state(_ domain: DomainIdentity) async throws -> (state: DomainState, reason: DomainStateReason) { throw VirError.noSupport("virDomainGetState") }
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func maxMemory(_ domain: DomainIdentity) async throws -> UInt64 { throw VirError.noSupport("virDomainGetMaxMemory") }
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func setMaxMemory(_ domain: DomainIdentity, kib: UInt64) async throws { throw VirError.noSupport("virDomainSetMaxMemory") }
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func setMemory(_ domain: DomainIdentity, kib: UInt64, flags: MemoryFlags) async throws { throw VirError.noSupport("virDomainSetMemoryFlags") }
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func setVcpus(_ domain: DomainIdentity, count: UInt32, flags: VcpuFlags) async throws { throw VirError.noSupport("virDomainSetVcpusFlags") }
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func vcpuCount(_ domain: DomainIdentity, flags: VcpuFlags) async throws -> UInt32 { throw VirError.noSupport("virDomainGetVcpusFlags") }
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func vcpus(_ domain: DomainIdentity) async throws -> [VcpuInfo] { throw VirError.noSupport("virDomainGetVcpus") }
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func pinVcpu(_ domain: DomainIdentity, vcpu: UInt32, cpumap: CPUMap, flags: ModificationImpact) async throws { throw VirError.noSupport("virDomainPinVcpuFlags") }
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func vcpuPinInfo(_ domain: DomainIdentity, flags: ModificationImpact) async throws -> [CPUMap] { throw VirError.noSupport("virDomainGetVcpuPinInfo") }
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func xmlDescription(_ domain: DomainIdentity, flags: DomainXMLFlags) async throws -> String { throw VirError.noSupport("virDomainGetXMLDesc") }
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func osType(_ domain: DomainIdentity) async throws -> String { throw VirError.noSupport("virDomainGetOSType") }
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func autostart(_ domain: DomainIdentity) async throws -> Bool { throw VirError.noSupport("virDomainGetAutostart") }
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func setAutostart(_ domain: DomainIdentity, _ enabled: Bool) async throws { throw VirError.noSupport("virDomainSetAutostart") }
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func isActive(_ domain: DomainIdentity) async throws -> Bool { throw VirError.noSupport("virDomainIsActive") }
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func isPersistent(_ domain: DomainIdentity) async throws -> Bool { throw VirError.noSupport("virDomainIsPersistent") }
    /// Default: no managed save image.
    public func hasManagedSaveImage(_ domain: DomainIdentity) async throws -> Bool { false }
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func messages(_ domain: DomainIdentity, flags: DomainMessageFlags) async throws -> [String] { throw VirError.noSupport("virDomainGetMessages") }
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func securityLabel(_ domain: DomainIdentity) async throws -> DomainSecurityLabel { throw VirError.noSupport("virDomainGetSecurityLabel") }
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func openConsole(_ domain: DomainIdentity, device: String?, flags: ConsoleFlags) async throws -> Int32 { throw VirError.noSupport("virDomainOpenConsole") }
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func lxcOpenNamespace(_ domain: DomainIdentity, flags: LxcFlags) async throws -> [Int32] { throw VirError.noSupport("virDomainLxcOpenNamespace") }
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func qemuMonitorCommand(_ domain: DomainIdentity, command: String, flags: QemuMonitorCommandFlags) async throws -> String {
        throw VirError.noSupport("virDomainQemuMonitorCommand")
    }
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func qemuMonitorCommandWithFiles(_ domain: DomainIdentity, command: String, files: [Int32], flags: QemuMonitorCommandFlags) async throws
        -> QemuMonitorCommandResult {
        throw VirError.noSupport("virDomainQemuMonitorCommandWithFiles")
    }
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func qemuAgentCommand(_ domain: DomainIdentity, command: String, timeout: Int32, flags: UInt32) async throws -> String? {
        throw VirError.noSupport("virDomainQemuAgentCommand")
    }
}
