import VirtContexts
import VirtCore
import VirtError
import VirtSystem
import VirtXML

extension LXCDriver {
    /// Corresponds to `virConnectListAllDomains`.
    public func listAllDomains(flags: ListDomainsFlags) async throws -> [DomainIdentity] {
        try flags.checkKnown(function: "virConnectListAllDomains")
        return try mutate { (domains, _) throws(VirError) -> [DomainIdentity] in
            domains.identities(matching: flags, state: { state(of: $0).state }, autostart: store.autostart)
        }
    }

    /// Corresponds to `virDomainLookupByID` (a container's id is its init's pid), `…ByName`
    /// and `…ByUUID`.
    public func lookupDomain(_ key: DomainLookupKey) async throws -> DomainIdentity {
        try mutate { (domains, _) throws(VirError) in try domains.lookup(key) }
    }

    /// Corresponds to `virDomainGetState`.
    public func state(_ identity: DomainIdentity) async throws -> (state: DomainState, reason: DomainStateReason) {
        try mutate { (domains, _) throws(VirError) in state(of: try domains.find(identity)) }
    }

    /// Corresponds to `virDomainGetInfo`, from the kernel while it runs: the memory cgroup's
    /// usage, and the CPU time of the container's processes; the current memory of its
    /// definition while it does not, as libvirt's LXC driver reports them.
    public func info(_ identity: DomainIdentity) async throws -> DomainInfo {
        try mutate { (domains, _) throws(VirError) -> DomainInfo in
            let domain = try domains.find(identity)
            let definition = domain.definition
            var memory = definition.containerMemoryKiB, cpuTime: UInt64 = 0
            if let xid = domain.xid, let context = try? contexts.context(xid) {
                memory = context.memoryUsage() / 1024
                cpuTime = context.cpuTime()
            }
            return DomainInfo(state: state(of: domain).state, maxMemory: definition.memory, memory: memory,
                              virtualCPUs: UInt16(clamping: definition.vcpu.current), cpuTime: cpuTime)
        }
    }

    /// Corresponds to `virDomainGetXMLDesc`: the live definition while running (with its
    /// id), else, or with `VIR_DOMAIN_XML_INACTIVE`, the persistent one.
    public func xmlDescription(_ identity: DomainIdentity, flags: DomainXMLFlags) async throws -> String {
        try flags.check(supported: [.secure, .inactive], function: "lxcDomainGetXMLDesc")
        return try mutate { (domains, _) throws(VirError) in try domains.find(identity).xml(flags: flags) }
    }

    /// Corresponds to `virDomainGetOSType`.
    public func osType(_ identity: DomainIdentity) async throws -> String {
        try mutate { (domains, _) throws(VirError) in try domains.find(identity).definition.os.type }
    }

    /// Corresponds to `virDomainGetMaxMemory`.
    public func maxMemory(_ identity: DomainIdentity) async throws -> UInt64 {
        try mutate { (domains, _) throws(VirError) in try domains.find(identity).definition.memory }
    }

    /// Corresponds to `virDomainIsActive`.
    public func isActive(_ identity: DomainIdentity) async throws -> Bool {
        try mutate { (domains, _) throws(VirError) in try domains.find(identity).isActive }
    }

    /// Corresponds to `virDomainIsPersistent`.
    public func isPersistent(_ identity: DomainIdentity) async throws -> Bool {
        try mutate { (domains, _) throws(VirError) in try domains.find(identity).isPersistent }
    }

    func state(of domain: LXCDomain) -> (state: DomainState, reason: DomainStateReason) {
        guard let xid = domain.xid else { return (.shutoff, domain.reason) }
        if let context = try? contexts.context(xid), context.flags().contains(.schedPause) { return (.paused, .pausedUser) }
        return (.running, domain.reason)
    }
}
