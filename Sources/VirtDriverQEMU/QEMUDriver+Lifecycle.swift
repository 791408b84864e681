import Glibc
import VirtCore
import VirtError
import VirtXML

extension QEMUDriver {
    /// Corresponds to `virDomainDefineXMLFlags`: stores a persistent definition (durably),
    /// once its emulator has shown it takes it; a running domain keeps its live definition
    /// until it stops.
    public func defineDomain(xml: String, flags: DefineFlags) async throws -> DomainIdentity {
        try flags.check(supported: .validate, function: "qemuDomainDefineXMLFlags", domain: .qemu)
        let definition = try await prepare(xml)
        return try mutate { (domains, events) throws(VirError) -> DomainIdentity in
            let defined = try domains.define(definition, in: store)
            events.append(defined)
            return defined.domain
        }
    }

    /// Corresponds to `virDomainUndefineFlags`: removes the persistent definition; a
    /// running domain becomes transient.
    public func undefine(_ identity: DomainIdentity, flags: UndefineFlags) async throws {
        try flags.check(supported: [.managedSave, .snapshotsMetadata, .nvram, .keepNvram], function: "qemuDomainUndefineFlags", domain: .qemu)
        try mutate { (domains, events) throws(VirError) in
            let domain = try domains.find(identity)
            guard !domain.isBusy else { throw Self.busy }
            let count = domain.snapshots.count
            if !domain.isActive && count > 0 && !flags.contains(.snapshotsMetadata) {
                throw VirError(.operationInvalid, "cannot delete inactive domain with \(count) snapshots", domain: .qemu)
            }
            events.append(try domains.undefine(identity, in: store))
            if !domain.isActive { store.removeAllSnapshots(domain: identity.name) }
        }
    }

    /// Corresponds to `virDomainCreateXML`: starts a transient domain. A defined domain of
    /// the same name and UUID runs with the new definition and keeps its own for later, as
    /// libvirt's `virDomainObjAssignDef` does.
    public func createDomain(xml: String, flags: CreateFlags) async throws -> DomainIdentity {
        try flags.check(supported: [.paused, .validate], function: "qemuDomainCreateXML", domain: .qemu)
        return try await startTransient(try await prepare(xml), paused: flags.contains(.paused))
    }

    /// Starts `definition` as createXML does: a defined domain of the same name and UUID runs
    /// with it and keeps its own for later, as libvirt's `virDomainObjAssignDef` does; a new
    /// one is transient, and gone again if the start fails. `incoming` is a saved state to
    /// start from (``boot(_:paused:reason:incoming:)``).
    func startTransient(_ definition: DomainDefinition, paused: Bool, reason: (DomainStateReason, DomainEventDetail) = (.runningBooted, .startedBooted),
                        incoming: Int32? = nil) async throws(VirError) -> DomainIdentity {
        let existed = try mutate { (domains, _) throws(VirError) -> Bool in
            var domain = QEMUDomain(definition: definition, isPersistent: false)
            let existing = try domains.existing(for: definition)
            if let existing {
                guard !existing.isActive, !existing.isBusy else {
                    throw VirError(.operationInvalid, "domain '\(definition.name)' is already active", domain: .qemu)
                }
                domain.isPersistent = existing.isPersistent
                domain.pendingDefinition = existing.isPersistent ? existing.definition : nil
                domain.snapshots = existing.snapshots
            }
            domain.isStarting = true
            domains[definition.name] = domain
            return existing != nil
        }
        do throws(VirError) {
            return try await boot(definition.name, paused: paused, reason: reason, incoming: incoming)
        } catch {
            if !existed { mutate { (domains, _) in if domains[definition.name]?.isActive == false { domains[definition.name] = nil } } }
            throw error
        }
    }

    /// Corresponds to `virDomainCreateWithFlags`: starts a defined domain.
    public func start(_ identity: DomainIdentity, flags: CreateFlags) async throws -> DomainIdentity {
        try flags.check(supported: [.paused], function: "qemuDomainCreateWithFlags", domain: .qemu)
        try mutate { (domains, _) throws(VirError) in
            var domain = try domains.find(identity)
            guard !domain.isActive, !domain.isBusy else {
                throw VirError(.operationInvalid, "domain is already running", domain: .qemu)
            }
            domain.isStarting = true
            domains[identity.name] = domain
        }
        return try await boot(identity.name, paused: flags.contains(.paused))
    }

    /// Corresponds to `virDomainDestroyFlags`: `quit`, then SIGKILL if QEMU has not exited
    /// within a second (ten with `VIR_DOMAIN_DESTROY_GRACEFUL`). Returns once it has, its
    /// end recorded.
    public func destroy(_ identity: DomainIdentity, flags: DestroyFlags) async throws {
        try flags.check(supported: [.graceful], function: "qemuDomainDestroyFlags", domain: .qemu)
        let vm = try mutate { (domains, _) throws(VirError) -> QEMURunningDomain in
            var domain = try domains.find(identity)
            guard let vm = domain.running else { throw VirError(.operationInvalid, "domain is not running", domain: .qemu) }
            domain.ending = .destroyed
            domains[identity.name] = domain
            return vm
        }
        await vm.qemu.terminate(grace: flags.contains(.graceful) ? .seconds(10) : .seconds(1))
        await vm.watcher.withLock { $0 }?.value
    }

    /// Takes down the links of the NICs whose `<link state='down'/>` says so (`set_link`),
    /// before the guest runs, as libvirt does.
    private func takeDownLinks(of definition: DomainDefinition, in qemu: QEMUProcess) async throws(VirError) {
        for (index, interface) in definition.devices.interfaces.enumerated() where interface.linkState == "down" {
            _ = try await qemu.monitor.execute("set_link", arguments: .object([("name", .string(QEMUNetworks.nicID(index))), ("up", .bool(false))]))
        }
    }

    /// Launches the QEMU of `name` (marked as starting), connects its monitor, records what
    /// runs (its consoles' ptys and taps in the live definition), lets its vCPUs run unless `paused`,
    /// and watches it. A failure leaves the domain as it was, with nothing running.
    /// With `incoming`, QEMU takes in the saved state read from that descriptor; the caller
    /// waits for it (``QEMUProcess/waitForMigration(progress:)``) before letting it run.
    func boot(_ name: String, paused: Bool, reason: (DomainStateReason, DomainEventDetail) = (.runningBooted, .startedBooted),
              incoming: Int32? = nil) async throws(VirError) -> DomainIdentity {
        do throws(VirError) {
            let (found, others) = domains.withLock { domains in
                (domains[name]?.definition, domains.values.filter { $0.running != nil || $0.isStarting }.map(\.definition).filter { $0.name != name })
            }
            guard var definition = found else { throw Self.starting }
            try definition.checkDisks(against: others)
            definition = withAgentSocket(definition)
            let capabilities = try await capabilities(for: definition)
            let taps = try QEMUTaps.open(for: &definition)
            defer { taps.close() }
            let qemu = try await QEMUProcess.launch(definition, capabilities: capabilities, paths: store.paths(of: name), incoming: incoming, taps: taps)
            let id = nextID.withLock { next in
                defer { next += 1 }
                return next
            }
            let live: DomainDefinition
            do throws(VirError) {
                live = try await QEMUConsoles.withPtyPaths(definition, monitor: qemu.monitor)
                try await applyVcpuPins(of: live, to: qemu)
                try await takeDownLinks(of: live, in: qemu)
                try store.saveRun(live, id: id, qemu: qemu)
                if !paused { _ = try await qemu.monitor.execute("cont") }
            } catch {
                await qemu.terminate()
                store.removeRun(name)
                throw error
            }
            let vm = QEMURunningDomain(id: id, qemu: qemu)
            let recorded = mutate { (domains, events) -> DomainIdentity? in
                guard var domain = domains[name] else { return nil }
                domain.isStarting = false
                if domain.isPersistent && domain.pendingDefinition == nil { domain.pendingDefinition = domain.definition }
                domain.definition = live
                domain.running = vm
                (domain.state, domain.reason) = paused ? (.paused, .pausedUser) : (.running, reason.0)
                domains[name] = domain
                events.append(DomainEvent(domain: domain.identity, type: .started, detail: reason.1))
                if paused { events.append(DomainEvent(domain: domain.identity, type: .suspended, detail: .suspendedPaused)) }
                return domain.identity
            }
            // Undefine refuses a domain while it starts, so it is there; never leave a QEMU untracked.
            guard let identity = recorded else {
                await qemu.terminate()
                store.removeRun(name)
                throw Self.starting
            }
            watch(name, vm)
            return identity
        } catch {
            mutate { (domains, _) in domains[name]?.isStarting = false }
            throw error
        }
    }

    static let starting = VirError(.operationInvalid, "domain is being started", domain: .qemu)
    /// A start or an offline snapshot job has the domain.
    static let busy = VirError(.operationInvalid, "domain is being started, or a snapshot job works on its images", domain: .qemu)

    /// Records that `name`'s QEMU has ended, with the stop event and reason its ending
    /// gives; a transient domain is gone then (unless a revert to a snapshot ended it, to
    /// start it again), a persistent one takes its persistent definition back.
    func markStopped(_ name: String, in domains: inout [String: QEMUDomain], events: inout [DomainEvent]) {
        guard var domain = domains[name] else { return }
        let (detail, reason) = domain.ending?.outcome ?? (.stoppedFailed, .shutoffCrashed)
        let reverting = if case .fromSnapshot = domain.ending { true } else { false }
        events.append(DomainEvent(domain: domain.identity, type: .stopped, detail: detail))
        store.removeRun(name)
        unlink(store.runDirectory + "/\(name).agent")
        domain.running = nil
        domain.state = .shutoff
        domain.reason = reason
        domain.ending = nil
        domain.rebootRequested = false
        domain.expectedReason = nil
        let stopped = domains.keepStopped(domain)
        if reverting { domains[name] = stopped }
        // A transient domain is gone, and its snapshots' metadata with it, as in libvirt.
        if domains[name] == nil { store.removeAllSnapshots(domain: name) }
    }
}
