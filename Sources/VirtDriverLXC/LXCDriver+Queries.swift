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
            domains.values.filter { domain in
                flags.matches(ListDomainsFlags.Candidate(state: state(of: domain).state, isActive: domain.xid != nil, isPersistent: domain.isPersistent,
                                                         autostart: store.autostart(domain.definition.name)))
            }.map(\.identity).sorted { $0.name < $1.name }
        }
    }

    /// Corresponds to `virDomainLookupByID`, `…ByName` and `…ByUUID`.
    public func lookupDomain(_ key: DomainLookupKey) async throws -> DomainIdentity {
        try mutate { (domains, _) throws(VirError) -> DomainIdentity in
            let found: LXCDomain?
            switch key {
            case .id(let id): found = domains.values.first { $0.initPID == id }
            case .name(let name): found = domains[name]
            case .uuid(let uuid): found = domains.values.first { $0.definition.uuid == uuid }
            }
            guard let found else {
                throw VirError(.noDomain, "no domain with matching \(key)", domain: .lxc)
            }
            return found.identity
        }
    }

    /// Corresponds to `virDomainGetState`.
    public func state(_ identity: DomainIdentity) async throws -> (state: DomainState, reason: DomainStateReason) {
        try mutate { (domains, _) throws(VirError) in state(of: try Self.find(identity, in: domains)) }
    }

    /// Corresponds to `virDomainGetInfo`, from the kernel while it runs: the memory cgroup's
    /// usage, and the CPU time of the container's processes; the current memory of its
    /// definition while it does not, as libvirt's LXC driver reports them.
    public func info(_ identity: DomainIdentity) async throws -> DomainInfo {
        try mutate { (domains, _) throws(VirError) -> DomainInfo in
            let domain = try Self.find(identity, in: domains)
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
        return try mutate { (domains, _) throws(VirError) -> String in
            let domain = try Self.find(identity, in: domains)
            var options = DomainFormatOptions()
            if flags.contains(.inactive) { return domain.persistentDefinition.format(options) }
            if let initPID = domain.initPID { options.id = initPID }
            return domain.definition.format(options)
        }
    }

    /// Corresponds to `virDomainGetOSType`.
    public func osType(_ identity: DomainIdentity) async throws -> String {
        try mutate { (domains, _) throws(VirError) in try Self.find(identity, in: domains).definition.os.type }
    }

    /// Corresponds to `virDomainGetMaxMemory`.
    public func maxMemory(_ identity: DomainIdentity) async throws -> UInt64 {
        try mutate { (domains, _) throws(VirError) in try Self.find(identity, in: domains).definition.memory }
    }

    /// Corresponds to `virDomainIsActive`.
    public func isActive(_ identity: DomainIdentity) async throws -> Bool {
        try mutate { (domains, _) throws(VirError) in try Self.find(identity, in: domains).xid != nil }
    }

    /// Corresponds to `virDomainIsPersistent`.
    public func isPersistent(_ identity: DomainIdentity) async throws -> Bool {
        try mutate { (domains, _) throws(VirError) in try Self.find(identity, in: domains).isPersistent }
    }

    func state(of domain: LXCDomain) -> (state: DomainState, reason: DomainStateReason) {
        guard let xid = domain.xid else { return (.shutoff, domain.reason) }
        if let context = try? contexts.context(xid), context.flags().contains(.schedPause) { return (.paused, .pausedUser) }
        return (.running, domain.reason)
    }
}
