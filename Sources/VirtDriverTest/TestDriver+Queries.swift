import VirtCore
import VirtError
import VirtXML

#if canImport(Glibc)
import Glibc
#endif

extension TestDriver {
    /// Wall-clock time in nanoseconds: libvirt's test driver reports it as CPU time.
    static func nowNanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec) / 1000 * 1000
    }

    /// Corresponds to `virDomainGetInfo`.
    public func info(_ domain: DomainIdentity) async throws -> DomainInfo {
        let d = try read { node throws(VirError) in try node.summary(domain) }
        return DomainInfo(state: d.state, maxMemory: d.maxMemory, memory: d.memory,
                          virtualCPUs: UInt16(clamping: d.vcpus), cpuTime: Self.nowNanoseconds())
    }

    /// Corresponds to `virDomainGetState`.
    public func state(_ domain: DomainIdentity) async throws -> (state: DomainState, reason: DomainStateReason) {
        try read { node throws(VirError) in
            let d = try node.summary(domain)
            return (d.state, d.reason)
        }
    }

    /// Corresponds to `virDomainGetXMLDesc`.
    public func xmlDescription(_ domain: DomainIdentity, flags: DomainXMLFlags) async throws -> String {
        try flags.check(supported: [.secure, .inactive, .migratable], function: "testDomainGetXMLDesc")
        let d = try read { node throws(VirError) in try node.domain(domain) }
        if flags.contains(.inactive) {
            return d.persistentDefinition.format(DomainFormatOptions(secure: flags.contains(.secure), inactive: true, migratable: flags.contains(.migratable)))
        }
        return d.definition.format(DomainFormatOptions(id: d.isActive ? d.id : nil, secure: flags.contains(.secure), migratable: flags.contains(.migratable)))
    }

    /// Corresponds to `virDomainGetOSType`: libvirt's test driver always answers "linux".
    public func osType(_ domain: DomainIdentity) async throws -> String {
        _ = try read { node throws(VirError) in try node.summary(domain) }
        return "linux"
    }

    /// Corresponds to `virDomainGetAutostart`.
    public func autostart(_ domain: DomainIdentity) async throws -> Bool {
        try read { node throws(VirError) in try node.summary(domain).autostart }
    }

    /// Corresponds to `virDomainSetAutostart`.
    public func setAutostart(_ domain: DomainIdentity, _ enabled: Bool) async throws {
        try mutate { node, _ throws(VirError) in
            try node.withDomain(domain) { d throws(VirError) in d.autostart = enabled }
        }
    }

    /// Corresponds to `virDomainIsActive`.
    public func isActive(_ domain: DomainIdentity) async throws -> Bool {
        try read { node throws(VirError) in try node.summary(domain).isActive }
    }

    /// Corresponds to `virDomainIsPersistent`.
    public func isPersistent(_ domain: DomainIdentity) async throws -> Bool {
        try read { node throws(VirError) in try node.summary(domain).isPersistent }
    }

    /// Corresponds to `virDomainHasManagedSaveImage`.
    public func hasManagedSaveImage(_ domain: DomainIdentity) async throws -> Bool {
        try read { node throws(VirError) in try node.summary(domain).hasManagedSave }
    }

    /// Corresponds to `virDomainGetMessages`: the test driver's domains have none.
    public func messages(_ domain: DomainIdentity, flags: DomainMessageFlags) async throws -> [String] {
        _ = try read { node throws(VirError) in try node.summary(domain) }
        return []
    }

    /// Corresponds to `virDomainGetSecurityLabel`: "libvirt-test", enforcing, while active;
    /// empty otherwise.
    public func securityLabel(_ domain: DomainIdentity) async throws -> DomainSecurityLabel {
        try read { node throws(VirError) in
            try node.summary(domain).isActive ? DomainSecurityLabel(label: "libvirt-test", enforcing: true) : DomainSecurityLabel(label: "", enforcing: false)
        }
    }
}
