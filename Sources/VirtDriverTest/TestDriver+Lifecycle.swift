import VirtCore
import VirtError
import VirtXML

extension TestDriver {
    /// Corresponds to `virConnectListAllDomains`. Like libvirt's, the order is unspecified
    /// but stable while the set of domains does not change.
    public func listAllDomains(flags: ListDomainsFlags) async throws -> [DomainIdentity] {
        try flags.check(supported: .known, function: "testConnectListAllDomains")
        return try read { node in
            var result: [DomainIdentity] = []
            result.reserveCapacity(node.summaries.count)
            for summary in node.summaries.values where flags.matches(summary.filterCandidate) {
                result.append(summary.identity)
            }
            return result
        }
    }

    /// Corresponds to `virDomainLookupByID` / `ByName` / `ByUUID`. A miss is
    /// `VIR_ERR_NO_DOMAIN` without detail, as in libvirt's test driver.
    public func lookupDomain(_ key: DomainLookupKey) async throws -> DomainIdentity {
        try read { node throws(VirError) in
            guard let domain = node.find(key) else { throw VirError(.noDomain, nil, domain: .test) }
            return domain.identity
        }
    }

    /// Corresponds to `virDomainDefineXMLFlags`: adds or replaces a persistent definition.
    public func defineDomain(xml: String, flags: DefineFlags) async throws -> DomainIdentity {
        try flags.check(supported: .validate, function: "testDomainDefineXMLFlags")
        let definition = try TestDefaults.parse(xml)
        return try mutate { node, events throws(VirError) in
            let detail: DomainEventDetail
            var domain: TestDomain
            if var existing = try node.existingForAdd(definition) {
                if existing.isActive {
                    existing.pendingDefinition = definition
                } else {
                    existing.definition = definition
                }
                existing.isPersistent = true
                domain = existing
                detail = .definedUpdated
            } else {
                domain = TestDomain(definition: definition, isPersistent: true)
                detail = .definedAdded
            }
            node.store(domain)
            events.append(DomainEvent(domain: domain.identity, type: .defined, detail: detail))
            return domain.identity
        }
    }

    /// Corresponds to `virDomainCreateXML`: starts a transient domain, or starts an
    /// inactive persistent one with this definition as its live one.
    public func createDomain(xml: String, flags: CreateFlags) async throws -> DomainIdentity {
        try flags.check(supported: .validate, function: "testDomainCreateXML")
        let definition = try TestDefaults.parse(xml)
        return try mutate { node, events throws(VirError) in
            try Self.startNew(definition, reason: .runningBooted, detail: .startedBooted, node: &node, events: &events)
        }
    }

    /// Adds-or-starts `definition` as createXML and restore do.
    static func startNew(_ definition: DomainDefinition, reason: DomainStateReason, detail: DomainEventDetail,
                         node: inout TestNode, events: inout [DomainEvent]) throws(VirError) -> DomainIdentity {
        var domain: TestDomain
        if let existing = try node.existingForAdd(definition) {
            guard !existing.isActive else {
                throw VirError(.operationInvalid, "domain '\(definition.name)' is already active", domain: .domain)
            }
            domain = existing
            domain.pendingDefinition = existing.definition
            domain.definition = definition
        } else {
            domain = TestDomain(definition: definition, isPersistent: false)
        }
        node.markStarted(&domain, reason: reason)
        node.store(domain)
        events.append(DomainEvent(domain: domain.identity, type: .started, detail: detail))
        return domain.identity
    }

    /// Corresponds to `virDomainUndefineFlags`: a running domain becomes transient, an
    /// inactive one disappears.
    public func undefine(_ domain: DomainIdentity, flags: UndefineFlags) async throws {
        try flags.check(supported: [.managedSave, .snapshotsMetadata], function: "testDomainUndefineFlags")
        try mutate { node, events throws(VirError) in
            let current = try node.domain(domain)
            if current.hasManagedSave && !flags.contains(.managedSave) {
                throw VirError(.operationInvalid, "Refusing to undefine while domain managed save image exists", domain: .test)
            }
            let snapshotCount = current.snapshots.count
            if !current.isActive && snapshotCount > 0 && !flags.contains(.snapshotsMetadata) {
                throw VirError(.operationInvalid, "cannot delete inactive domain with \(snapshotCount) snapshots", domain: .test)
            }
            events.append(DomainEvent(domain: current.identity, type: .undefined, detail: .undefinedRemoved))
            if current.isActive {
                try node.withDomain(domain) { d throws(VirError) in
                    d.isPersistent = false
                    d.pendingDefinition = nil
                    d.hasManagedSave = false
                }
            } else {
                node.remove(current.definition.uuid)
            }
        }
    }

    /// Corresponds to `virDomainCreateWithFlags`.
    public func start(_ domain: DomainIdentity, flags: CreateFlags) async throws -> DomainIdentity {
        try flags.check(supported: [], function: "testDomainCreateWithFlags")
        return try mutate { node, events throws(VirError) in
            var current = try node.domain(domain)
            guard current.state == .shutoff else {
                throw VirError(.internalError, "Domain '\(current.definition.name)' is already running", domain: .test)
            }
            node.markStarted(&current, reason: .runningBooted)
            node.store(current)
            events.append(DomainEvent(domain: current.identity, type: .started, detail: .startedBooted))
            return current.identity
        }
    }

    /// Corresponds to `virDomainDestroyFlags`.
    public func destroy(_ domain: DomainIdentity, flags: DestroyFlags) async throws {
        try flags.check(supported: .graceful, function: "testDomainDestroyFlags")
        try mutate { node, events throws(VirError) in
            try Self.stop(domain, reason: .shutoffDestroyed, detail: .stoppedDestroyed, node: &node, events: &events) { d throws(VirError) in
                guard d.isActive else { throw Self.notRunning }
            }
        }
    }

    /// Corresponds to `virDomainSuspend`.
    public func suspend(_ domain: DomainIdentity) async throws {
        try mutate { node, events throws(VirError) in
            let identity = try node.withDomain(domain) { d throws(VirError) in
                guard d.state != .shutoff && d.state != .paused else {
                    throw VirError(.internalError, "domain '\(d.definition.name)' not running", domain: .test)
                }
                d.state = .paused
                d.reason = .pausedUser
                return d.identity
            }
            events.append(DomainEvent(domain: identity, type: .suspended, detail: .suspendedPaused))
        }
    }

    /// Corresponds to `virDomainResume`.
    public func resume(_ domain: DomainIdentity) async throws {
        try mutate { node, events throws(VirError) in
            let identity = try node.withDomain(domain) { d throws(VirError) in
                guard d.state == .paused else {
                    throw VirError(.internalError, "domain '\(d.definition.name)' not paused", domain: .test)
                }
                d.state = .running
                d.reason = .runningUnpaused
                return d.identity
            }
            events.append(DomainEvent(domain: identity, type: .resumed, detail: .resumedUnpaused))
        }
    }

    /// Corresponds to `virDomainShutdownFlags`: applies the `on_poweroff` policy.
    public func shutdown(_ domain: DomainIdentity, flags: ShutdownFlags) async throws {
        try flags.check(supported: [], function: "testDomainShutdownFlags")
        try mutate { node, events throws(VirError) in
            let current = try node.domain(domain)
            guard current.state != .shutoff else {
                throw VirError(.internalError, "domain '\(current.definition.name)' not running", domain: .test)
            }
            try Self.applyGuestStop(current.definition.onPoweroff, domain, node: &node, events: &events)
        }
    }

    /// Corresponds to `virDomainReboot`: applies the `on_reboot` policy.
    public func reboot(_ domain: DomainIdentity, flags: RebootFlags) async throws {
        try flags.check(supported: .known, function: "testDomainReboot")
        try mutate { node, events throws(VirError) in
            let current = try node.domain(domain)
            guard current.isActive else { throw Self.notRunning }
            try Self.applyGuestStop(current.definition.onReboot, domain, node: &node, events: &events)
        }
    }

    /// Corresponds to `virDomainReset`: the in-memory guest has nothing to reset, so only
    /// the state is checked, as in libvirt's test driver.
    public func reset(_ domain: DomainIdentity) async throws {
        _ = try read { node throws(VirError) in
            guard try node.summary(domain).isActive else { throw Self.notRunning }
        }
    }

    /// What the guest stopping itself leads to: `restart` and `rename-restart` keep the
    /// domain running (same id, no event); every other action stops it.
    static func applyGuestStop(_ action: LifecycleAction, _ domain: DomainIdentity, node: inout TestNode, events: inout [DomainEvent]) throws(VirError) {
        switch action {
        case .restart, .renameRestart, .coredumpRestart:
            try node.withDomain(domain) { d throws(VirError) in
                d.state = .running
                d.reason = .runningBooted
            }
        case .destroy, .preserve, .coredumpDestroy:
            try stop(domain, reason: .shutoffShutdown, detail: .stoppedShutdown, node: &node, events: &events) { _ throws(VirError) in }
        }
    }

    /// Stops a domain after `check` accepted it, emits STOPPED, and drops it if transient.
    static func stop(_ domain: DomainIdentity, reason: DomainStateReason, detail: DomainEventDetail,
                     node: inout TestNode, events: inout [DomainEvent],
                     check: (TestDomain) throws(VirError) -> Void) throws(VirError) {
        var current = try node.domain(domain)
        try check(current)
        let drop = node.markStopped(&current, reason: reason)
        events.append(DomainEvent(domain: current.identity, type: .stopped, detail: detail))
        if drop {
            node.remove(current.definition.uuid)
        } else {
            node.store(current)
        }
    }

    /// libvirt's `virDomainObjCheckActive` failure.
    static var notRunning: VirError { VirError(.operationInvalid, "domain is not running", domain: .domain) }
}
