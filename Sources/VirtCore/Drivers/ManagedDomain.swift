import VirtError
import VirtXML

/// A domain of a stateful driver (`lxc:///embed`, `qemu:///embed`): its definitions and
/// whether it runs. The drivers keep them in a `[String: Domain]` by name, and the
/// extension below answers the calls that are the same for every such driver: lookup,
/// listing, define, undefine, XML and autostart, as libvirt's `virDomainObjList` does.
public protocol ManagedDomain: Sendable {
    /// The error domain of the driver (`VIR_FROM_LXC`, `VIR_FROM_QEMU`).
    static var errorDomain: ErrorDomain { get }
    /// A domain that does not run.
    init(definition: DomainDefinition, isPersistent: Bool)
    /// The definition it runs with, or will start with.
    var definition: DomainDefinition { get set }
    /// Whether it has a persistent definition.
    var isPersistent: Bool { get set }
    /// While a persistent domain runs: its persistent definition, which define changes
    /// meanwhile, while the live one stays as it started. It takes over when it stops.
    var pendingDefinition: DomainDefinition? { get set }
    /// Its id while it runs (or is paused); nil while it is shut off.
    var runningID: Int32? { get }
}

extension ManagedDomain {
    /// The persistent definition as it stands.
    public var persistentDefinition: DomainDefinition { pendingDefinition ?? definition }

    /// Whether it runs (or is paused).
    public var isActive: Bool { runningID != nil }

    /// Its name, UUID and id (-1 while shut off).
    public var identity: DomainIdentity {
        DomainIdentity(name: definition.name, uuid: definition.uuid, id: runningID ?? -1)
    }

    /// Its XML: the live definition while running (with its id), else, or with
    /// `VIR_DOMAIN_XML_INACTIVE`, the persistent one. `virDomainGetXMLDesc`.
    public func xml(flags: DomainXMLFlags) -> String {
        var options = DomainFormatOptions()
        if flags.contains(.inactive) { return persistentDefinition.format(options) }
        if let id = runningID { options.id = id }
        return definition.format(options)
    }
}

extension Dictionary where Key == String, Value: ManagedDomain {
    /// The domain behind `identity`, or libvirt's "no domain" error.
    public func find(_ identity: DomainIdentity) throws(VirError) -> Value {
        guard let domain = self[identity.name], domain.definition.uuid == identity.uuid else {
            throw VirError(.noDomain, "no domain with matching name '\(identity.name)'", domain: Value.errorDomain)
        }
        return domain
    }

    /// The domain `key` names: `virDomainLookupByID`, `…ByName` and `…ByUUID`.
    public func lookup(_ key: DomainLookupKey) throws(VirError) -> DomainIdentity {
        let found: Value?
        let what: String
        switch key {
        case .id(let id): (found, what) = (values.first { $0.runningID == id }, "id \(id)")
        case .name(let name): (found, what) = (self[name], "name '\(name)'")
        case .uuid(let uuid): (found, what) = (values.first { $0.definition.uuid == uuid }, "uuid '\(uuid)'")
        }
        guard let found else { throw VirError(.noDomain, "no domain with matching \(what)", domain: Value.errorDomain) }
        return found.identity
    }

    /// The identities `virConnectListAllDomains` returns for `flags`, by name.
    public func identities(matching flags: ListDomainsFlags, state: (Value) -> DomainState, autostart: (String) -> Bool,
                           hasSnapshots: (String) -> Bool = { _ in false }) -> [DomainIdentity] {
        values.filter { domain in
            flags.matches(ListDomainsFlags.Candidate(state: state(domain), isActive: domain.isActive, isPersistent: domain.isPersistent,
                                                     autostart: autostart(domain.definition.name), hasSnapshots: hasSnapshots(domain.definition.name)))
        }.map(\.identity).sorted { $0.name < $1.name }
    }

    /// The domain a new definition names, if any, checked to be the same domain (name and
    /// UUID agree), as libvirt's `virDomainObjListAdd` does.
    public func existing(for definition: DomainDefinition) throws(VirError) -> Value? {
        if let byUUID = values.first(where: { $0.definition.uuid == definition.uuid }), byUUID.definition.name != definition.name {
            throw VirError(.operationFailed, "domain '\(byUUID.definition.name)' already exists with uuid \(definition.uuid)", domain: Value.errorDomain)
        }
        guard let byName = self[definition.name] else { return nil }
        guard byName.definition.uuid == definition.uuid else {
            throw VirError(.operationFailed, "domain '\(definition.name)' is already defined with uuid \(byName.definition.uuid)", domain: Value.errorDomain)
        }
        return byName
    }

    /// `virDomainDefineXMLFlags`: stores `definition` durably in `store` and records it; a
    /// running domain keeps its live definition until it stops. Returns the defined event.
    public mutating func define<Status>(_ definition: DomainDefinition, in store: DomainStore<Status>) throws(VirError) -> DomainEvent {
        let found = try existing(for: definition)
        var domain = found ?? Value(definition: definition, isPersistent: true)
        try store.saveConfig(definition)
        if domain.isActive { domain.pendingDefinition = definition } else { domain.definition = definition }
        domain.isPersistent = true
        self[definition.name] = domain
        return DomainEvent(domain: domain.identity, type: .defined, detail: found == nil ? .definedAdded : .definedUpdated)
    }

    /// `virDomainUndefineFlags`: removes the persistent definition from `store`; a running
    /// domain becomes transient. Returns the undefined event.
    public mutating func undefine<Status>(_ identity: DomainIdentity, in store: DomainStore<Status>) throws(VirError) -> DomainEvent {
        var domain = try find(identity)
        guard domain.isPersistent else {
            throw VirError(.operationInvalid, "cannot undefine transient domain", domain: Value.errorDomain)
        }
        store.removeConfig(identity.name)
        if domain.isActive {
            domain.isPersistent = false
            domain.pendingDefinition = nil
            self[identity.name] = domain
        } else {
            self[identity.name] = nil
        }
        return DomainEvent(domain: domain.identity, type: .undefined, detail: .undefinedRemoved)
    }

    /// Keeps `domain`, which has just stopped: a persistent one takes its persistent
    /// definition back, a transient one is gone. Returns it as it now stands (to be started
    /// again, say), even a transient one.
    @discardableResult
    public mutating func keepStopped(_ domain: Value) -> Value {
        var domain = domain
        if let pending = domain.pendingDefinition { domain.definition = pending }
        domain.pendingDefinition = nil
        self[domain.definition.name] = domain.isPersistent ? domain : nil
        return domain
    }

    /// `virDomainGetAutostart`: whether the domain starts with the driver.
    public func autostart<Status>(_ identity: DomainIdentity, in store: DomainStore<Status>) throws(VirError) -> Bool {
        _ = try find(identity)
        return store.autostart(identity.name)
    }

    /// `virDomainSetAutostart`: only persistent domains can start with the driver.
    public func setAutostart<Status>(_ identity: DomainIdentity, _ enabled: Bool, in store: DomainStore<Status>) throws(VirError) {
        guard try find(identity).isPersistent else {
            throw VirError(.operationInvalid, "cannot set autostart for transient domain", domain: Value.errorDomain)
        }
        try store.setAutostart(identity.name, enabled)
    }

    /// The names of the domains to start on the first open of `store`'s root since the host
    /// booted (libvirt's `…AutostartAll`): persistent, shut off, marked autostart.
    public func namesToAutostart<Status>(in store: DomainStore<Status>) -> [String] {
        guard store.firstOpenThisBoot() else { return [] }
        return keys.sorted().filter { name in
            guard let domain = self[name] else { return false }
            return domain.isPersistent && !domain.isActive && store.autostart(name)
        }
    }
}
