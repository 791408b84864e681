import VirtCore
import VirtError
import VirtXML

/// Everything a test driver instance holds: the host it pretends to be and its domains.
/// Guarded by the driver's mutex; every method runs with the lock held.
struct TestNode: Sendable {
    var nodeInfo: NodeInfo
    var capabilities: HostCapabilities
    private(set) var domains: [DomainUUID: TestDomain] = [:]
    private var uuidByName: [String: DomainUUID] = [:]
    private var nextID: Int32 = 1

    init(nodeInfo: NodeInfo, capabilities: HostCapabilities) {
        self.nodeInfo = nodeInfo
        self.capabilities = capabilities
    }

    /// `VIR_NODEINFO_MAXCPUS`: the CPUs vcpus may be placed on.
    var hostCPUs: Int { nodeInfo.maximumCPUs }

    // MARK: lookup

    func find(_ key: DomainLookupKey) -> TestDomain? {
        switch key {
        case .uuid(let uuid): return domains[uuid]
        case .name(let name): return uuidByName[name].flatMap { domains[$0] }
        case .id(let id): return domains.values.first { $0.id == id }
        }
    }

    /// Runs `body` on the domain that `identity` names, as libvirt's `testDomObjFromDomain`:
    /// a stale handle gets `VIR_ERR_NO_DOMAIN`.
    mutating func withDomain<R>(_ identity: DomainIdentity, _ body: (inout TestDomain) throws(VirError) -> R) throws(VirError) -> R {
        guard var domain = domains[identity.uuid] else {
            throw VirError(.noDomain, "no domain with matching uuid '\(identity.uuid)' (\(identity.name))", domain: .test)
        }
        let oldName = domain.definition.name
        let result = try body(&domain)
        store(domain, replacingName: oldName)
        return result
    }

    /// Reads the domain that `identity` names.
    func domain(_ identity: DomainIdentity) throws(VirError) -> TestDomain {
        guard let domain = domains[identity.uuid] else {
            throw VirError(.noDomain, "no domain with matching uuid '\(identity.uuid)' (\(identity.name))", domain: .test)
        }
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
        uuidByName[domain.definition.name] = uuid
    }

    mutating func remove(_ uuid: DomainUUID) {
        if let domain = domains.removeValue(forKey: uuid) { uuidByName[domain.definition.name] = nil }
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

    /// Domains in libvirt's listing order as virsh shows it: active by id, then inactive by name.
    var sortedDomains: [TestDomain] {
        domains.values.sorted { a, b in
            switch (a.isActive, b.isActive) {
            case (true, true): return a.id < b.id
            case (false, false): return a.definition.name < b.definition.name
            case (true, false): return true
            case (false, true): return false
            }
        }
    }
}
