import VirtContexts
import VirtCore
import VirtError
import VirtXML

#if canImport(Glibc)
import Glibc
#endif

extension LXCDriver {
    /// Corresponds to `virDomainDefineXMLFlags`: stores a persistent definition (durably);
    /// a running domain keeps its live definition until it stops.
    public func defineDomain(xml: String, flags: DefineFlags) async throws -> DomainIdentity {
        try flags.check(supported: .validate, function: "lxcDomainDefineXMLFlags", domain: .lxc)
        let definition = try LXCContainer.parse(xml)
        return try mutate { (domains, events) throws(VirError) -> DomainIdentity in
            let defined = try domains.define(definition, in: store)
            events.append(defined)
            return defined.domain
        }
    }

    /// Corresponds to `virDomainCreateXML`: starts a transient container.
    public func createDomain(xml: String, flags: CreateFlags) async throws -> DomainIdentity {
        try flags.check(supported: .validate, function: "lxcDomainCreateXMLWithFiles", domain: .lxc)
        let definition = try LXCContainer.parse(xml)
        return try mutate { (domains, events) throws(VirError) -> DomainIdentity in
            var domain = LXCDomain(definition: definition, isPersistent: false)
            if let existing = try domains.existing(for: definition) {
                guard existing.xid == nil else {
                    throw VirError(.operationInvalid, "domain '\(definition.name)' is already active", domain: .lxc)
                }
                // A defined domain runs with the new definition and keeps its own for later,
                // as libvirt's virDomainObjAssignDef does.
                domain.isPersistent = existing.isPersistent
                domain.pendingDefinition = existing.definition
            }
            try start(&domain, events: &events)
            domains[definition.name] = domain
            return domain.identity
        }
    }

    /// Corresponds to `virDomainCreateWithFlags`: starts a defined container.
    public func start(_ identity: DomainIdentity, flags: CreateFlags) async throws -> DomainIdentity {
        try flags.check(supported: [], function: "lxcDomainCreateWithFiles", domain: .lxc)
        return try mutate { (domains, events) throws(VirError) -> DomainIdentity in
            var domain = try domains.find(identity)
            guard domain.xid == nil else {
                throw VirError(.operationInvalid, "domain is already running", domain: .lxc)
            }
            try start(&domain, events: &events)
            domains[identity.name] = domain
            return domain.identity
        }
    }

    /// Corresponds to `virDomainDestroyFlags`: kills every process of the container at once
    /// (atomically against forks) and waits until it is gone.
    public func destroy(_ identity: DomainIdentity, flags: DestroyFlags) async throws {
        try flags.check(supported: .graceful, function: "lxcDomainDestroyFlags", domain: .lxc)
        let (context, xid) = try runningContext(identity, marking: \.destroying)
        try context.kill(pid: 0, signal: SIGKILL)
        // The watcher records the end (as destroyed) once every process is gone.
        if let watcher = watchers.withLock({ $0[xid] }) {
            await watcher.value
        } else {
            containerEnded(identity.name, xid: xid, exit: (try? await context.wait()) ?? ContextExit())
        }
    }

    /// Corresponds to `virDomainUndefineFlags`: removes the persistent definition; a
    /// running container becomes transient.
    public func undefine(_ identity: DomainIdentity, flags: UndefineFlags) async throws {
        try flags.check(supported: [], function: "lxcDomainUndefineFlags", domain: .lxc)
        try mutate { (domains, events) throws(VirError) in events.append(try domains.undefine(identity, in: store)) }
    }

    /// Corresponds to `virDomainSuspend`: freezes every process (freezer cgroup).
    public func suspend(_ identity: DomainIdentity) async throws {
        try setFrozen(identity, true)
    }

    /// Corresponds to `virDomainResume`: thaws the container.
    public func resume(_ identity: DomainIdentity) async throws {
        try setFrozen(identity, false)
    }

    private func setFrozen(_ identity: DomainIdentity, _ frozen: Bool) throws(VirError) {
        try mutate { (domains, events) throws(VirError) in
            let domain = try domains.find(identity)
            guard let xid = domain.xid, let context = try? contexts.context(xid) else {
                throw VirError(.operationInvalid, "domain is not running", domain: .lxc)
            }
            guard context.flags().contains(.schedPause) != frozen else {
                throw VirError(.operationInvalid, "domain is \(frozen ? "already paused" : "not paused")", domain: .lxc)
            }
            try context.setFlags(frozen ? .schedPause : [], mask: .schedPause)
            if !frozen { domains[identity.name]?.reason = .runningUnpaused }
            events.append(DomainEvent(domain: domain.identity, type: frozen ? .suspended : .resumed,
                                      detail: frozen ? .suspendedPaused : .resumedUnpaused))
        }
    }

    /// Starts `domain`'s container and records it in the run directory.
    func start(_ domain: inout LXCDomain, events: inout [DomainEvent]) throws(VirError) {
        let (running, live) = try LXCContainer.start(domain.definition, in: contexts, host: host)
        let xid = running.context.xid
        if domain.isPersistent && domain.pendingDefinition == nil { domain.pendingDefinition = domain.definition }
        domain.definition = live
        do {
            try store.saveRun(domain.definition, LXCRunStatus(xid: xid))
        } catch {
            try? running.context.kill(pid: 0, signal: SIGKILL)
            throw error
        }
        domain.xid = xid
        domain.initPID = running.context.info().initPID
        domain.reason = .runningBooted
        events.append(DomainEvent(domain: domain.identity, type: .started, detail: .startedBooted))
        watch(domain.definition.name, .started(running))
    }
}
