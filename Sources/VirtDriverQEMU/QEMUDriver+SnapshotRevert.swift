import Glibc
import VirtCore
import VirtError
import VirtXML

extension QEMUDriver {
    /// Corresponds to `virDomainRevertToSnapshot`: the domain takes the snapshot's
    /// definition, disks and, for a snapshot of a running guest, memory and state
    /// (`RUNNING` or `PAUSED` choose the state instead).
    ///
    /// An internal snapshot with memory is loaded into the running QEMU when the domain runs
    /// with the same disks (`snapshot-load`); otherwise QEMU starts anew to load it. An
    /// internal snapshot without memory is applied to the images of the shut-off domain
    /// (`qemu-img snapshot -a`). Reverting to an external snapshot, which libvirt could not
    /// do for years, puts a fresh overlay on each image the snapshot froze; the discarded
    /// overlay is removed when no snapshot keeps it. An external snapshot's memory file is
    /// taken in by a new QEMU, as a restore takes in a save image.
    public func revert(_ identity: DomainIdentity, snapshot name: String, flags: SnapshotRevertFlags) async throws {
        try flags.check(supported: [.running, .paused, .force], function: "qemuDomainRevertToSnapshot", domain: .qemu)
        try await withSnapshotJob(identity) { (vm, domain) throws(VirError) in
            guard let target = domain.snapshots.node(name)?.payload else { throw Self.noSnapshot(name) }
            guard let saved = target.domain else {
                throw VirError(.operationInvalid, "snapshot '\(name)' lacks the domain definition to revert to", domain: .qemu)
            }
            let finalState: DomainState? = flags.contains(.running) ? .running : flags.contains(.paused) ? .paused
                : target.isOnline ? (target.state == .paused ? .paused : .running) : nil
            if !domain.isPersistent && finalState == nil {
                throw VirError(.operationInvalid, "transient domain needs to request run or pause to revert to inactive snapshot", domain: .qemu)
            }
            // The memory file is opened before anything changes: a file that is gone, or is no
            // save image, fails the revert here.
            let memory = try target.memory == .external ? QEMUSaveFile.open(target.memoryFile ?? "").1 : nil
            defer { if let memory { Glibc.close(memory) } }
            if !target.isExternal, target.isOnline, let vm, saved.devices.disks.map(\.images) == domain.definition.devices.disks.map(\.images) {
                try await loadInto(vm, of: identity.name, name, target, saved: saved, finalState: finalState ?? .running)
            } else {
                if let vm {
                    await end(vm, of: identity.name, as: .fromSnapshot)
                    mutate { (domains, _) in domains[identity.name]?.hasOfflineJob = true }
                }
                defer { mutate { (domains, _) in domains[identity.name]?.hasOfflineJob = false } }
                do throws(VirError) {
                    let restored = target.isExternal ? try await overlayFrozenImages(of: target, saved: saved, domain: domain) : saved
                    if !target.isExternal && !target.isOnline {
                        try await QEMUSnapshotImages.internalOffline(.apply, name, disks: try QEMUSnapshotImages.internalDisks(of: target, in: restored))
                    }
                    try restoreDefinition(restored, of: identity.name)
                    if let finalState { try await startReverted(identity, name, target, finalState: finalState, memory: memory) }
                } catch {
                    if !domain.isPersistent { removeStoppedTransient(identity.name) }
                    throw error
                }
            }
            try updateSnapshots(of: identity.name) { (tree) throws(VirError) in
                tree.current = name
                return ([], [])
            }
        }
    }

    /// `snapshot-load` into the running QEMU: the guest paused, loaded, and let run if
    /// `finalState` says so.
    private func loadInto(_ vm: QEMURunningDomain, of domainName: String, _ name: String, _ target: DomainSnapshotDefinition,
                          saved: DomainDefinition, finalState: DomainState) async throws(VirError) {
        let disks = try QEMUSnapshotImages.internalDisks(of: target, in: saved)
        try await stopGuest(of: domainName, vm, reason: .pausedFromSnapshot)
        try await QEMUSnapshotImages.internalLive("snapshot-load", name, disks: disks, qemu: vm.qemu)
        try await settle(vm, of: domainName, in: finalState)
    }

    /// Lets a guest whose snapshot was just loaded (paused) run, or records why it stays paused.
    private func settle(_ vm: QEMURunningDomain, of name: String, in state: DomainState) async throws(VirError) {
        if state == .running {
            try await continueGuest(of: name, vm, reason: .runningFromSnapshot)
        } else {
            mutate { (domains, events) in
                guard var domain = domains[name], domain.running === vm else { return }
                domain.reason = .pausedFromSnapshot
                domains[name] = domain
                events.append(DomainEvent(domain: domain.identity, type: .suspended, detail: .suspendedFromSnapshot))
            }
        }
    }

    /// Starts the reverted domain paused, loads the snapshot's memory if it has some (from
    /// its memory file as it starts, or `snapshot-load` from the images), and lets it run or
    /// keeps it paused as `finalState` says.
    private func startReverted(_ identity: DomainIdentity, _ name: String, _ target: DomainSnapshotDefinition, finalState: DomainState,
                               memory: Int32?) async throws(VirError) {
        mutate { (domains, _) in domains[identity.name]?.isStarting = true }
        _ = try await boot(identity.name, paused: true, reason: (.runningFromSnapshot, .startedFromSnapshot), incoming: memory)
        try await job(identity) { (vm) throws(VirError) in
            if memory != nil {
                try await vm.qemu.waitForMigration()
            } else if target.isOnline && !target.isExternal {
                let saved = try find(identity).definition
                try await QEMUSnapshotImages.internalLive("snapshot-load", name, disks: try QEMUSnapshotImages.internalDisks(of: target, in: saved), qemu: vm.qemu)
            }
            try await settle(vm, of: identity.name, in: finalState)
        }
    }

    /// Removes the transient domain `name` that a failed revert left shut off, with its
    /// snapshots' metadata, as libvirt does.
    private func removeStoppedTransient(_ name: String) {
        let removed = domains.withLock { domains in
            guard let domain = domains[name], domain.running == nil, !domain.isPersistent else { return false }
            domains[name] = nil
            return true
        }
        if removed { store.removeAllSnapshots(domain: name) }
    }

    /// Makes `definition` the shut-off domain's own: saved if it is persistent.
    private func restoreDefinition(_ definition: DomainDefinition, of name: String) throws(VirError) {
        try domains.withLock { (domains) throws(VirError) in
            guard var domain = domains[name], domain.definition != definition || domain.pendingDefinition != nil else { return }
            if domain.isPersistent { try store.saveConfig(definition) }
            domain.definition = definition
            domain.pendingDefinition = nil
            domains[name] = domain
        }
    }

    /// The snapshot's definition with a new overlay on each image it froze. The overlay is
    /// the one the snapshot made, recreated, unless another snapshot keeps that file (then
    /// a fresh name next to it). The domain's overlay before the revert is removed when it
    /// is one the snapshots made and none of them keeps it.
    private func overlayFrozenImages(of target: DomainSnapshotDefinition, saved: DomainDefinition, domain: QEMUDomain) async throws(VirError) -> DomainDefinition {
        let tree = domain.snapshots
        let made = tree.all.flatMap { $0.payload.disks.compactMap(\.source) }
        var restored = saved
        var created: [String] = []
        do throws(VirError) {
            for entry in target.disks where entry.snapshot == .external {
                guard let index = restored.devices.disks.firstIndex(where: { $0.target == entry.name }), let frozen = restored.devices.disks[index].source,
                      let preferred = entry.source else { continue }
                var overlay = preferred
                var attempt = 1
                while QEMUSnapshotImages.isKept(overlay, by: tree) || created.contains(overlay) {
                    overlay = "\(preferred).\(attempt)"
                    attempt += 1
                }
                if let old = domain.definition.devices.disks.first(where: { $0.target == entry.name })?.source, old != frozen,
                   made.contains(where: { old == $0 || old.hasPrefix($0 + ".") }), !QEMUSnapshotImages.isKept(old, by: tree) {
                    unlink(old)
                }
                unlink(overlay)
                let disk = restored.devices.disks[index]
                try await QEMUImages.createOverlay(overlay, backing: frozen, format: disk.driverType ?? "raw")
                created.append(overlay)
                restored.devices.disks[index] = QEMUSnapshotImages.overlaid(disk, with: overlay)
            }
        } catch {
            for file in created { unlink(file) }
            throw error
        }
        return restored
    }
}
