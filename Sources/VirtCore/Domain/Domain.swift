import VirtError
import VirtXML

/// A handle on one domain: its connection, name, UUID and the id it had when looked up.
/// Corresponds to `virDomainPtr`. Every operation goes through the connection's front door.
public struct Domain: Sendable, Hashable {
    /// The connection it belongs to (`virDomainGetConnect`).
    public let connection: Connection
    /// Name, UUID and id.
    public let identity: DomainIdentity

    /// A handle on `identity` through `connection`.
    public init(connection: Connection, identity: DomainIdentity) {
        self.connection = connection
        self.identity = identity
    }

    /// Corresponds to `virDomainGetName`.
    public var name: String { identity.name }
    /// Corresponds to `virDomainGetUUID`.
    public var uuid: DomainUUID { identity.uuid }
    /// Corresponds to `virDomainGetUUIDString`.
    public var uuidString: String { identity.uuid.description }
    /// Corresponds to `virDomainGetID`: the id when looked up, -1 if it was inactive.
    public var id: Int32 { identity.id }

    public static func == (a: Domain, b: Domain) -> Bool {
        a.connection === b.connection && a.identity.uuid == b.identity.uuid
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(ObjectIdentifier(connection))
        hasher.combine(identity.uuid)
    }

    func call<T>(_ function: String, mutating: Bool = false, _ body: (any HypervisorDriver) async throws -> T) async throws(VirError) -> T {
        try await connection.call(function, mutating: mutating, body)
    }
}

// MARK: - Lifecycle

extension Domain {
    /// Starts a defined domain and returns the handle with its new id.
    /// Corresponds to `virDomainCreate` / `virDomainCreateWithFlags`.
    @discardableResult
    public func create(flags: CreateFlags = []) async throws(VirError) -> Domain {
        try flags.checkKnown(function: "virDomainCreateWithFlags")
        let started = try await call(flags.isEmpty ? "virDomainCreate" : "virDomainCreateWithFlags", mutating: true) { try await $0.start(identity, flags: flags) }
        return Domain(connection: connection, identity: started)
    }

    /// Corresponds to `virDomainDestroy` / `virDomainDestroyFlags`.
    public func destroy(flags: DestroyFlags = []) async throws(VirError) {
        try flags.checkKnown(function: "virDomainDestroyFlags")
        try await call(flags.isEmpty ? "virDomainDestroy" : "virDomainDestroyFlags", mutating: true) { try await $0.destroy(identity, flags: flags) }
    }

    /// Corresponds to `virDomainSuspend`.
    public func suspend() async throws(VirError) {
        try await call("virDomainSuspend", mutating: true) { try await $0.suspend(identity) }
    }

    /// Corresponds to `virDomainResume`.
    public func resume() async throws(VirError) {
        try await call("virDomainResume", mutating: true) { try await $0.resume(identity) }
    }

    /// Corresponds to `virDomainShutdown` / `virDomainShutdownFlags`.
    public func shutdown(flags: ShutdownFlags = []) async throws(VirError) {
        try flags.checkKnown(function: "virDomainShutdownFlags")
        try await call(flags.isEmpty ? "virDomainShutdown" : "virDomainShutdownFlags", mutating: true) { try await $0.shutdown(identity, flags: flags) }
    }

    /// Corresponds to `virDomainReboot`.
    public func reboot(flags: RebootFlags = []) async throws(VirError) {
        try flags.checkKnown(function: "virDomainReboot")
        try await call("virDomainReboot", mutating: true) { try await $0.reboot(identity, flags: flags) }
    }

    /// Resets the domain as a reset button would, without a clean shutdown.
    /// Corresponds to `virDomainReset`.
    public func reset() async throws(VirError) {
        try await call("virDomainReset", mutating: true) { try await $0.reset(identity) }
    }

    /// Corresponds to `virDomainUndefine` / `virDomainUndefineFlags`.
    public func undefine(flags: UndefineFlags = []) async throws(VirError) {
        try flags.checkKnown(function: "virDomainUndefineFlags")
        try await call(flags.isEmpty ? "virDomainUndefine" : "virDomainUndefineFlags", mutating: true) { try await $0.undefine(identity, flags: flags) }
    }

    /// Saves the running state to `path` and stops the domain.
    /// Corresponds to `virDomainSave` / `virDomainSaveFlags`.
    public func save(to path: String, xml: String? = nil, flags: SaveRestoreFlags = []) async throws(VirError) {
        try flags.checkKnown(function: "virDomainSaveFlags")
        let function = flags.isEmpty && xml == nil ? "virDomainSave" : "virDomainSaveFlags"
        guard !path.isEmpty else { throw VirError.invalidArg("to in \(function) must not be NULL") }
        try exclusive(flags, .running, "VIR_DOMAIN_SAVE_RUNNING", .paused, "VIR_DOMAIN_SAVE_PAUSED", domain: .domain)
        try await call(function, mutating: true) { try await $0.save(identity, to: path, xml: xml, flags: flags) }
    }
}

extension Domain {
    /// Dumps the domain's core to `path`; with `.crash` the domain then crashes and its
    /// `on_crash` policy applies. Corresponds to `virDomainCoreDump`.
    public func coreDump(to path: String, flags: DumpFlags = []) async throws(VirError) {
        try flags.checkKnown(function: "virDomainCoreDump")
        guard !path.isEmpty else { throw VirError.invalidArg("to in virDomainCoreDump must not be NULL") }
        try exclusive(flags, .crash, "VIR_DUMP_CRASH", .live, "VIR_DUMP_LIVE", domain: .domain)
        try exclusive(flags, .crash, "VIR_DUMP_CRASH", .reset, "VIR_DUMP_RESET", domain: .domain)
        try await call("virDomainCoreDump", mutating: true) { try await $0.coreDump(identity, to: path, flags: flags) }
    }
}

// MARK: - Queries

extension Domain {
    /// Corresponds to `virDomainGetJobInfo`: what the current background job (a save) has
    /// done so far; type `.none` when there is none.
    public func jobInfo() async throws(VirError) -> DomainJobInfo {
        try await call("virDomainGetJobInfo") { try await $0.jobInfo(identity) }
    }

    /// Corresponds to `virDomainGetInfo`.
    public func info() async throws(VirError) -> DomainInfo {
        try await call("virDomainGetInfo") { try await $0.info(identity) }
    }

    /// Corresponds to `virDomainGetState`.
    public func state() async throws(VirError) -> (state: DomainState, reason: DomainStateReason) {
        try await call("virDomainGetState") { try await $0.state(identity) }
    }

    /// Corresponds to `virDomainGetXMLDesc`.
    public func xmlDescription(flags: DomainXMLFlags = []) async throws(VirError) -> String {
        try flags.checkKnown(function: "virDomainGetXMLDesc")
        if flags.contains(.secure) && connection.isReadOnly {
            throw VirError(.operationDenied, "virDomainGetXMLDesc with secure flag", domain: .domain)
        }
        return try await call("virDomainGetXMLDesc") { try await $0.xmlDescription(identity, flags: flags) }
    }

    /// The parsed definition. Corresponds to `virDomainGetXMLDesc`, typed.
    public func definition(flags: DomainXMLFlags = []) async throws(VirError) -> DomainDefinition {
        try DomainDefinition.parse(try await xmlDescription(flags: flags))
    }

    /// Corresponds to `virDomainGetOSType`.
    public func osType() async throws(VirError) -> String {
        try await call("virDomainGetOSType") { try await $0.osType(identity) }
    }

    /// Corresponds to `virDomainIsActive`.
    public func isActive() async throws(VirError) -> Bool {
        try await call("virDomainIsActive") { try await $0.isActive(identity) }
    }

    /// Corresponds to `virDomainIsPersistent`.
    public func isPersistent() async throws(VirError) -> Bool {
        try await call("virDomainIsPersistent") { try await $0.isPersistent(identity) }
    }

    /// Corresponds to `virDomainHasManagedSaveImage`.
    public func hasManagedSaveImage() async throws(VirError) -> Bool {
        try await call("virDomainHasManagedSaveImage") { try await $0.hasManagedSaveImage(identity) }
    }

    /// Corresponds to `virDomainGetMessages`.
    public func messages(flags: DomainMessageFlags = []) async throws(VirError) -> [String] {
        try flags.checkKnown(function: "virDomainGetMessages")
        return try await call("virDomainGetMessages") { try await $0.messages(identity, flags: flags) }
    }

    /// Corresponds to `virDomainGetSecurityLabel`.
    public func securityLabel() async throws(VirError) -> DomainSecurityLabel {
        try await call("virDomainGetSecurityLabel") { try await $0.securityLabel(identity) }
    }

    /// Corresponds to `virDomainOpenConsole`: attaches to the console `device` (its alias,
    /// e.g. `console0`; nil for the first). Returns a stream socket that carries what the
    /// console prints and takes what is typed; close it to detach. libvirt hands a
    /// `virStreamPtr` instead; a descriptor serves local callers directly and a remote
    /// driver relays it as a stream.
    public func openConsole(device: String? = nil, flags: ConsoleFlags = []) async throws(VirError) -> Int32 {
        try await call("virDomainOpenConsole") { try await $0.openConsole(identity, device: device, flags: flags) }
    }

    /// Corresponds to `virDomainGetAutostart`.
    public func autostart() async throws(VirError) -> Bool {
        try await call("virDomainGetAutostart") { try await $0.autostart(identity) }
    }

    /// Corresponds to `virDomainSetAutostart`.
    public func setAutostart(_ enabled: Bool) async throws(VirError) {
        try await call("virDomainSetAutostart", mutating: true) { try await $0.setAutostart(identity, enabled) }
    }
}

// MARK: - Memory and vcpus

extension Domain {
    /// Corresponds to `virDomainGetMaxMemory`, in KiB.
    public func maxMemory() async throws(VirError) -> UInt64 {
        try await call("virDomainGetMaxMemory") { try await $0.maxMemory(identity) }
    }

    /// Corresponds to `virDomainSetMaxMemory`, in KiB.
    public func setMaxMemory(kib: UInt64) async throws(VirError) {
        try Self.checkMemory(kib, "virDomainSetMaxMemory")
        try await call("virDomainSetMaxMemory", mutating: true) { try await $0.setMaxMemory(identity, kib: kib) }
    }

    /// Corresponds to `virDomainSetMemoryFlags`, in KiB; the default `.live` is what
    /// `virDomainSetMemory` means.
    public func setMemory(kib: UInt64, flags: MemoryFlags = .live) async throws(VirError) {
        let function = flags.isEmpty ? "virDomainSetMemory" : "virDomainSetMemoryFlags"
        try flags.checkKnown(function: function)
        try Self.checkMemory(kib, function)
        if flags.contains(.live) && flags.contains(.config) {
            throw VirError.invalidArg("Flags 'VIR_DOMAIN_AFFECT_LIVE' and 'VIR_DOMAIN_AFFECT_CONFIG' are mutually exclusive")
        }
        try await call(function, mutating: true) { try await $0.setMemory(identity, kib: kib, flags: flags) }
    }

    /// libvirt's public checks: memory must not be zero, and in bytes must fit a signed
    /// 64-bit integer.
    private static func checkMemory(_ kib: UInt64, _ function: String) throws(VirError) {
        guard kib > 0 else { throw VirError.invalidArg("memory in \(function) must not be zero") }
        guard kib <= UInt64(Int64.max) / 1024 else { throw VirError(.overflow, "input too large: \(kib)", domain: .domain) }
    }

    /// Corresponds to `virDomainSetVcpusFlags`; the default `.live` is what
    /// `virDomainSetVcpus` means.
    public func setVcpus(_ count: UInt32, flags: VcpuFlags = .live) async throws(VirError) {
        let function = flags.isEmpty ? "virDomainSetVcpus" : "virDomainSetVcpusFlags"
        try flags.checkKnown(function: function)
        guard count > 0 else { throw VirError.invalidArg("nvcpus in \(function) must not be zero") }
        try requires(flags, .maximum, "VIR_DOMAIN_VCPU_MAXIMUM", .config, "VIR_DOMAIN_AFFECT_CONFIG", domain: .domain)
        try exclusive(flags, .guest, "VIR_DOMAIN_VCPU_GUEST", .config, "VIR_DOMAIN_AFFECT_CONFIG", domain: .domain)
        try await call(function, mutating: true) { try await $0.setVcpus(identity, count: count, flags: flags) }
    }

    /// Corresponds to `virDomainGetVcpusFlags`.
    public func vcpuCount(flags: VcpuFlags = []) async throws(VirError) -> UInt32 {
        try flags.checkKnown(function: "virDomainGetVcpusFlags")
        try exclusive(flags, .live, "VIR_DOMAIN_AFFECT_LIVE", .config, "VIR_DOMAIN_AFFECT_CONFIG", domain: .domain)
        return try await call("virDomainGetVcpusFlags") { try await $0.vcpuCount(identity, flags: flags) }
    }

    /// Corresponds to `virDomainGetVcpus`: at most `maxInfo` records, each affinity map
    /// cut or padded to `mapLength` bytes (the `maplen` of the C call; `nil` keeps the
    /// driver's full width).
    public func vcpus(maxInfo: Int = Int.max, mapLength: Int? = nil) async throws(VirError) -> [VcpuInfo] {
        guard maxInfo >= 1 else { throw VirError.invalidArg("maxinfo in virDomainGetVcpus must be greater than zero") }
        if let mapLength, mapLength <= 0 {
            throw VirError.invalidArg("maplen in virDomainGetVcpus must be greater than zero")
        }
        let all = try await call("virDomainGetVcpus") { try await $0.vcpus(identity) }
        return all.prefix(maxInfo).map { vcpu in
            var vcpu = vcpu
            if let mapLength { vcpu.affinity = vcpu.affinity.resized(to: mapLength) }
            return vcpu
        }
    }

    /// Pins vcpu `vcpu` to the CPUs of `cpumap` (`maplen` is its byte count, at least 1).
    /// Corresponds to `virDomainPinVcpuFlags`; empty flags are `virDomainPinVcpu`.
    public func pinVcpu(_ vcpu: UInt32, cpumap: CPUMap, flags: ModificationImpact = []) async throws(VirError) {
        let function = flags.isEmpty ? "virDomainPinVcpu" : "virDomainPinVcpuFlags"
        try flags.checkKnown(function: function)
        guard !cpumap.bytes.isEmpty else { throw VirError.invalidArg("maplen in \(function) must be greater than zero") }
        guard vcpu <= UInt32(UInt16.max) else { throw VirError(.overflow, "input too large: \(vcpu)", domain: .domain) }
        try await call(function, mutating: true) { try await $0.pinVcpu(identity, vcpu: vcpu, cpumap: cpumap, flags: flags) }
    }

    /// Corresponds to `virDomainGetVcpuPinInfo`: one affinity map per vcpu.
    public func vcpuPinInfo(flags: ModificationImpact = []) async throws(VirError) -> [CPUMap] {
        try flags.checkKnown(function: "virDomainGetVcpuPinInfo")
        try exclusive(flags, .live, "VIR_DOMAIN_AFFECT_LIVE", .config, "VIR_DOMAIN_AFFECT_CONFIG", domain: .domain)
        return try await call("virDomainGetVcpuPinInfo") { try await $0.vcpuPinInfo(identity, flags: flags) }
    }
}
