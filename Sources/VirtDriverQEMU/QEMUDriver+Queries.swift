import VirtCore
import VirtError
import VirtSystem
import VirtXML

extension QEMUDriver {
    /// Corresponds to `virConnectListAllDomains`.
    public func listAllDomains(flags: ListDomainsFlags) async throws -> [DomainIdentity] {
        try flags.checkKnown(function: "virConnectListAllDomains")
        return domains.withLock { domains in domains.identities(matching: flags, state: \.state, autostart: store.autostart) }
    }

    /// Corresponds to `virDomainLookupByID`, `…ByName` and `…ByUUID`.
    public func lookupDomain(_ key: DomainLookupKey) async throws -> DomainIdentity {
        try domains.withLock { (domains) throws(VirError) in try domains.lookup(key) }
    }

    /// Corresponds to `virDomainGetState`.
    public func state(_ identity: DomainIdentity) async throws -> (state: DomainState, reason: DomainStateReason) {
        try domains.withLock { (domains) throws(VirError) in
            let domain = try domains.find(identity)
            return (domain.state, domain.reason)
        }
    }

    /// Corresponds to `virDomainGetInfo`: the state, the memory of the definition (the
    /// balloon's target while it runs), and QEMU's CPU time from /proc while it runs.
    public func info(_ identity: DomainIdentity) async throws -> DomainInfo {
        let domain = try domains.withLock { (domains) throws(VirError) in try domains.find(identity) }
        let definition = domain.definition
        let cpuTime = domain.running.flatMap { try? ProcessStat.read(pid: $0.qemu.process.pid).cpuNanoseconds } ?? 0
        return DomainInfo(state: domain.state, maxMemory: definition.memory, memory: definition.currentMemory,
                          virtualCPUs: UInt16(clamping: definition.vcpu.current), cpuTime: cpuTime)
    }

    /// Corresponds to `virDomainGetXMLDesc`: the live definition while running (with its
    /// id), else, or with `VIR_DOMAIN_XML_INACTIVE`, the persistent one.
    public func xmlDescription(_ identity: DomainIdentity, flags: DomainXMLFlags) async throws -> String {
        try flags.check(supported: [.secure, .inactive, .updateCpu, .migratable], function: "qemuDomainGetXMLDesc")
        return try domains.withLock { (domains) throws(VirError) in try domains.find(identity).xml(flags: flags) }
    }

    /// Corresponds to `virDomainGetOSType`.
    public func osType(_ identity: DomainIdentity) async throws -> String {
        try domains.withLock { (domains) throws(VirError) in try domains.find(identity).definition.os.type }
    }

    /// Corresponds to `virDomainGetMaxMemory`.
    public func maxMemory(_ identity: DomainIdentity) async throws -> UInt64 {
        try domains.withLock { (domains) throws(VirError) in try domains.find(identity).definition.memory }
    }

    /// Corresponds to `virDomainIsActive`.
    public func isActive(_ identity: DomainIdentity) async throws -> Bool {
        try domains.withLock { (domains) throws(VirError) in try domains.find(identity).isActive }
    }

    /// Corresponds to `virDomainIsPersistent`.
    public func isPersistent(_ identity: DomainIdentity) async throws -> Bool {
        try domains.withLock { (domains) throws(VirError) in try domains.find(identity).isPersistent }
    }

    /// Corresponds to `virDomainGetAutostart`.
    public func autostart(_ identity: DomainIdentity) async throws -> Bool {
        try domains.withLock { (domains) throws(VirError) in try domains.autostart(identity, in: store) }
    }

    /// Corresponds to `virDomainSetAutostart`: the domain starts when the driver first opens
    /// its root after the host boots. Only persistent domains can.
    public func setAutostart(_ identity: DomainIdentity, _ enabled: Bool) async throws {
        try domains.withLock { (domains) throws(VirError) in try domains.setAutostart(identity, enabled, in: store) }
    }
}
