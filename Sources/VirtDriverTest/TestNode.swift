import VirtCore
import VirtError
import VirtXML

/// Everything a test driver instance holds: the host it pretends to be and its domains.
/// Guarded by the driver's mutex; every method runs with the lock held.
struct TestNode: Sendable {
    var nodeInfo: NodeInfo
    var capabilities: HostCapabilities
    private(set) var domains: [DomainUUID: TestDomain] = [:]
    /// What listing needs of each domain, kept small so that listing 1000 domains does not
    /// copy 1000 definitions.
    private(set) var summaries: [DomainUUID: DomainSummary] = [:]
    private var uuidByName: [String: DomainUUID] = [:]
    private var nextID: Int32 = 1

    init(nodeInfo: NodeInfo, capabilities: HostCapabilities) {
        self.nodeInfo = nodeInfo
        self.capabilities = capabilities
    }

    /// `VIR_NODEINFO_MAXCPUS`: the CPUs vcpus may be placed on.
    var hostCPUs: Int { nodeInfo.maximumCPUs }

    // MARK: lookup

    func find(_ key: DomainLookupKey) -> DomainSummary? {
        switch key {
        case .uuid(let uuid): return summaries[uuid]
        case .name(let name): return uuidByName[name].flatMap { summaries[$0] }
        case .id(let id): return summaries.values.first { $0.identity.id == id }
        }
    }

    /// The listing view of the domain that `identity` names.
    func summary(_ identity: DomainIdentity) throws(VirError) -> DomainSummary {
        guard let summary = summaries[identity.uuid] else { throw Self.staleHandle(identity) }
        return summary
    }

    static func staleHandle(_ identity: DomainIdentity) -> VirError {
        VirError(.noDomain, "no domain with matching uuid '\(identity.uuid)' (\(identity.name))", domain: .test)
    }

    /// Runs `body` on the domain that `identity` names, as libvirt's `testDomObjFromDomain`:
    /// a stale handle gets `VIR_ERR_NO_DOMAIN`.
    mutating func withDomain<R>(_ identity: DomainIdentity, _ body: (inout TestDomain) throws(VirError) -> R) throws(VirError) -> R {
        guard var domain = domains[identity.uuid] else { throw Self.staleHandle(identity) }
        let oldName = domain.definition.name
        let result = try body(&domain)
        store(domain, replacingName: oldName)
        return result
    }

    /// Reads the domain that `identity` names.
    func domain(_ identity: DomainIdentity) throws(VirError) -> TestDomain {
        guard let domain = domains[identity.uuid] else { throw Self.staleHandle(identity) }
        return domain
    }

    // MARK: membership

    /// Checks libvirt's uniqueness rules (`virDomainObjListAdd`) for adding `definition`,
    /// and returns the existing domain it would replace, if any.
    func existingForAdd(_ definition: DomainDefinition) throws(VirError) -> TestDomain? {
        if let existing = domains[definition.uuid] {
            guard existing.definition.name == definition.name else {
                throw VirError(.operationFailed, "domain '\(existing.definition.name)' is already defined with uuid \(definition.uuid)", domain: .domain)
            }
            return existing
        }
        if let uuid = uuidByName[definition.name] {
            throw VirError(.operationFailed, "domain '\(definition.name)' already exists with uuid \(uuid)", domain: .domain)
        }
        return nil
    }

    mutating func store(_ domain: TestDomain, replacingName oldName: String? = nil) {
        let uuid = domain.definition.uuid
        if let oldName, oldName != domain.definition.name { uuidByName[oldName] = nil }
        domains[uuid] = domain
        summaries[uuid] = DomainSummary(domain)
        uuidByName[domain.definition.name] = uuid
    }

    mutating func remove(_ uuid: DomainUUID) {
        if let domain = domains.removeValue(forKey: uuid) { uuidByName[domain.definition.name] = nil }
        summaries[uuid] = nil
    }

    // MARK: state transitions

    /// `testDomainStartState`: running with a fresh id.
    mutating func markStarted(_ domain: inout TestDomain, reason: DomainStateReason) {
        if domain.isPersistent && domain.pendingDefinition == nil {
            domain.pendingDefinition = domain.definition
        }
        domain.state = .running
        domain.reason = reason
        domain.id = nextID
        nextID += 1
        domain.hasManagedSave = false
    }

    /// `testDomainShutdownState`: shut off, the pending persistent definition takes over.
    /// Returns whether the domain is transient and must now be removed.
    func markStopped(_ domain: inout TestDomain, reason: DomainStateReason) -> Bool {
        if let pending = domain.pendingDefinition {
            domain.definition = pending
            domain.pendingDefinition = nil
        }
        domain.state = .shutoff
        domain.reason = reason
        domain.id = -1
        return !domain.isPersistent
    }
}

/// The listing view of a domain: identity plus the facts `virConnectListAllDomains` filters on.
struct DomainSummary: Sendable {
    let identity: DomainIdentity
    let state: DomainState
    let isPersistent: Bool
    let autostart: Bool
    let hasManagedSave: Bool
    let hasSnapshots: Bool
    let reason: DomainStateReason
    let maxMemory: UInt64
    let memory: UInt64
    let vcpus: UInt32

    init(_ domain: TestDomain) {
        identity = domain.identity
        state = domain.state
        isPersistent = domain.isPersistent
        autostart = domain.autostart
        hasManagedSave = domain.hasManagedSave
        hasSnapshots = domain.snapshots.count > 0
        reason = domain.reason
        maxMemory = domain.definition.memory
        memory = domain.definition.currentMemory
        vcpus = domain.definition.vcpu.current
    }

    var isActive: Bool { identity.id != -1 }
}

extension DomainSummary {
    /// What `virConnectListAllDomains` filters on.
    var filterCandidate: ListDomainsFlags.Candidate {
        ListDomainsFlags.Candidate(state: state, isActive: isActive, isPersistent: isPersistent,
                                   hasManagedSave: hasManagedSave, autostart: autostart, hasSnapshots: hasSnapshots)
    }
}
