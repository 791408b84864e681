import Glibc
import VirtCore
import VirtError
import VirtXML

extension QEMUDriver {
    /// Corresponds to `virDomainSnapshotCreateXML`. Internal snapshots go into the qcow2
    /// images (with the VM state while running); external ones put a qcow2 overlay on each
    /// disk (`DISK_ONLY` while running, `REUSE_EXT` to take overlays already there) and, with
    /// `<memory snapshot='external' file=…/>`, write the running guest's state to that file
    /// as a save image. One domain's snapshots are all internal or all external: mixing
    /// them is refused.
    public func createSnapshot(_ identity: DomainIdentity, xml: String, flags: SnapshotCreateFlags) async throws -> String {
        try flags.check(supported: [.redefine, .current, .noMetadata, .halt, .diskOnly, .reuseExt, .atomic, .live], function: "qemuDomainSnapshotCreateXML", domain: .qemu)
        let requested = try DomainSnapshotDefinition.parse(xml, redefine: flags.contains(.redefine))
        if flags.contains(.redefine) { return try redefineSnapshot(requested, of: identity, makeCurrent: flags.contains(.current)) }
        return try await withSnapshotJob(identity) { (vm, domain) throws(VirError) -> String in
            if flags.contains(.halt) && !domain.isPersistent {
                throw VirError(.operationInvalid, "cannot halt after transient domain snapshot", domain: .qemu)
            }
            var snapshot = try requested.completed(for: domain.definition, state: domain.state, in: domain.snapshots, flags: flags)
            let external = try Self.kind(of: snapshot, running: vm != nil, existing: domain.snapshots)
            if external {
                snapshot.disks = snapshot.disks.map { entry in
                    var entry = entry
                    if entry.snapshot == .external && entry.driverType == nil { entry.driverType = "qcow2" }
                    return entry
                }
                if snapshot.memory == .external, let vm {
                    guard !flags.contains(.live) else {
                        throw VirError(.operationUnsupported, "a live snapshot with external memory is not supported: the guest is paused for it", domain: .qemu)
                    }
                    try await createExternalWithMemory(snapshot, of: domain, vm, reuse: flags.contains(.reuseExt), halting: flags.contains(.halt))
                } else {
                    try await createExternal(snapshot, of: domain, vm, reuse: flags.contains(.reuseExt))
                }
            } else {
                let disks = try QEMUSnapshotImages.internalDisks(of: snapshot, in: domain.definition)
                if let vm {
                    try await saveInternalLive(snapshot, of: identity.name, disks: disks, vm)
                } else {
                    try await QEMUSnapshotImages.internalOffline(.create, snapshot.name ?? "", disks: disks)
                }
            }
            let name = snapshot.name ?? ""
            if !flags.contains(.noMetadata) {
                try updateSnapshots(of: identity.name) { (tree) throws(VirError) in
                    tree.insert(name, parent: tree.current, payload: snapshot)
                    tree.current = name
                    return ([name], [])
                }
            }
            if flags.contains(.halt), let vm { await end(vm, of: identity.name, as: .fromSnapshot) }
            return name
        }
    }

    /// Whether `snapshot` is external, after refusing what this driver does not do: internal
    /// and external targets in one snapshot, memory of a domain that does not run, internal
    /// disks without memory while running, and a kind the domain's other snapshots do not have.
    static func kind(of snapshot: DomainSnapshotDefinition, running: Bool, existing: SnapshotTree) throws(VirError) -> Bool {
        let external = snapshot.isExternal
        if external && snapshot.disks.contains(where: { $0.snapshot == .internal }) || snapshot.memory == .internal && snapshot.disks.contains(where: { $0.snapshot == .external }) {
            throw VirError(.configUnsupported, "mixing internal and external targets for a snapshot is not yet supported", domain: .qemu)
        }
        if snapshot.memory == .external && !running {
            throw VirError(.configUnsupported, "memory state cannot be saved with offline or disk-only snapshot", domain: .qemu)
        }
        if running && !external && snapshot.memory != .internal {
            throw VirError(.operationUnsupported, "an internal snapshot of a running domain includes its memory", domain: .qemu)
        }
        if let other = existing.all.first(where: { $0.payload.isExternal != external }) {
            let kinds = external ? ("external", "internal") : ("internal", "external")
            throw VirError(.operationUnsupported, "cannot take an \(kinds.0) snapshot: snapshot '\(other.name)' is \(kinds.1), and mixing internal and external snapshots of one domain is refused", domain: .qemu)
        }
        return external
    }

    /// `snapshot-save`, the guest paused for it with the snapshot reason.
    private func saveInternalLive(_ snapshot: DomainSnapshotDefinition, of name: String, disks: [DiskDevice], _ vm: QEMURunningDomain) async throws(VirError) {
        mutate { (domains, _) in if domains[name]?.state == .running { domains[name]?.expectedReason = .pausedSnapshot } }
        defer { mutate { (domains, _) in if domains[name]?.expectedReason == .pausedSnapshot { domains[name]?.expectedReason = nil } } }
        try await QEMUSnapshotImages.internalLive("snapshot-save", snapshot.name ?? "", disks: disks, qemu: vm.qemu)
    }

    /// Puts the snapshot's overlays on the disks, then records the new chains in the
    /// definitions: the live one of a running domain, and the persistent one.
    private func createExternal(_ snapshot: DomainSnapshotDefinition, of domain: QEMUDomain, _ vm: QEMURunningDomain?, reuse: Bool) async throws(VirError) {
        let disks = try QEMUSnapshotImages.externalDisks(of: snapshot, in: domain.definition)
        guard !disks.isEmpty else { throw VirError(.operationInvalid, "the snapshot covers no disk", domain: .qemu) }
        let nodes = try await vm?.qemu.topNodes(of: disks.map(\.disk)) ?? [:]
        let created = try await QEMUSnapshotImages.createOverlays(disks, reuse: reuse, sizes: nodes.mapValues(\.size))
        do throws(VirError) {
            if let vm {
                try await QEMUSnapshotImages.switchLive(to: disks, nodes: nodes, qemu: vm.qemu)
            } else {
                for (disk, _) in disks { try disk.checkImages() }
            }
            try changeDisks(of: domain.identity, vm) { disk in
                disks.first { $0.disk.target == disk.target }.map { QEMUSnapshotImages.overlaid(disk, with: $0.overlay) } ?? disk
            }
        } catch {
            for file in created { unlink(file) }
            throw error
        }
    }

    /// An external snapshot with memory of the running `vm`: the memory file created (so
    /// that a path it cannot have fails before anything changes; a file already there is
    /// refused unless `reuse`), the guest paused, the disks switched to their overlays, then
    /// the guest's state written to the file, as a save image with the domain's XML
    /// (`virsh restore` takes it too), and the guest let run again unless `halting`. Should
    /// writing the state fail, the disks stay on the overlays, which hold every write
    /// since: nothing is lost, and no snapshot is recorded.
    private func createExternalWithMemory(_ snapshot: DomainSnapshotDefinition, of domain: QEMUDomain, _ vm: QEMURunningDomain,
                                          reuse: Bool, halting: Bool) async throws(VirError) {
        let name = domain.identity.name, path = snapshot.memoryFile ?? ""
        let wasRunning = domain.state == .running
        if !reuse && access(path, F_OK) == 0 {
            throw VirError(.operationInvalid, "external memory snapshot file '\(path)' already exists", domain: .qemu)
        }
        let fd = try QEMUSaveFile(xml: domain.definition.format(), wasRunning: wasRunning).create(path)
        defer { Glibc.close(fd) }
        do throws(VirError) {
            if wasRunning { try await stopGuest(of: name, vm, reason: .pausedSnapshot) }
            do throws(VirError) {
                try await createExternal(snapshot, of: domain, vm, reuse: reuse)
                try await streamState(of: vm, to: fd)
                guard fsync(fd) == 0 else { throw VirError(.systemError, "cannot sync memory file '\(path)': \(String(cString: strerror(errno)))", domain: .qemu) }
            } catch {
                if wasRunning { try? await continueGuest(of: name, vm, reason: .runningUnpaused) }
                throw error
            }
        } catch {
            unlink(path)
            throw error
        }
        if wasRunning && !halting { try await continueGuest(of: name, vm, reason: .runningUnpaused) }
    }

    /// Applies `change` to every disk of the persistent definition of `identity`'s domain
    /// and, with a running `vm`, of its live definition.
    func changeDisks(of identity: DomainIdentity, _ vm: QEMURunningDomain?, _ change: @escaping (DiskDevice) -> DiskDevice) throws(VirError) {
        if try find(identity).isPersistent {
            try editPersistent(identity) { (definition) throws(VirError) in definition.devices.disks = definition.devices.disks.map(change) }
        }
        if let vm { try editLive(identity, vm) { definition in definition.devices.disks = definition.devices.disks.map(change) } }
    }

    /// `VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE`: metadata only, with libvirt's checks.
    private func redefineSnapshot(_ requested: DomainSnapshotDefinition, of identity: DomainIdentity, makeCurrent: Bool) throws(VirError) -> String {
        let uuid = try find(identity).definition.uuid
        var name = ""
        try updateSnapshots(of: identity.name) { (tree) throws(VirError) in
            name = try tree.redefine(requested, makeCurrent: makeCurrent, uuid: uuid)
            return ([name], [])
        }
        return name
    }

    /// Ends `vm` as a destroy does, reporting the end as `ending`, and returns once it has.
    func end(_ vm: QEMURunningDomain, of name: String, as ending: QEMUEnding) async {
        mutate { (domains, _) in if domains[name]?.running === vm { domains[name]?.ending = ending } }
        await vm.qemu.terminate(grace: .seconds(1))
        await vm.watcher.withLock { $0 }?.value
    }
}
