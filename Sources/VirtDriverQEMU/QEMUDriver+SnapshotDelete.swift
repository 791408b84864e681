import Glibc
import JSON
import VirtCore
import VirtError
import VirtXML

extension QEMUDriver {
    /// Corresponds to `virDomainSnapshotDelete`. An internal snapshot is deleted from its
    /// images (`snapshot-delete` while running, `qemu-img snapshot -d` while shut off). An
    /// external one is merged back: the overlay on top of its frozen images is committed into
    /// them (`block-commit` while running, `qemu-img commit` while shut off) and removed.
    /// With `CHILDREN` the descendants go first, leaves before their parents; with
    /// `METADATA_ONLY` only the metadata goes.
    public func deleteSnapshot(_ identity: DomainIdentity, snapshot name: String, flags: SnapshotDeleteFlags) async throws {
        try flags.check(supported: [.children, .childrenOnly, .metadataOnly], function: "qemuDomainSnapshotDelete", domain: .qemu)
        try await withSnapshotJob(identity) { (vm, domain) throws(VirError) in
            guard domain.snapshots.node(name) != nil else { throw Self.noSnapshot(name) }
            var doomed = flags.contains(.children) || flags.contains(.childrenOnly) ? Array(domain.snapshots.descendants(of: name).reversed()) : []
            if !flags.contains(.childrenOnly) { doomed.append(name) }
            for victim in doomed {
                if !flags.contains(.metadataOnly) { try await discard(victim, of: identity, vm) }
                try updateSnapshots(of: identity.name) { (tree) throws(VirError) in
                    let children = tree.children(of: victim)
                    tree.remove(victim)
                    return (children, [victim])
                }
            }
        }
    }

    /// Removes what snapshot `victim` keeps in the images of `identity`'s disks.
    private func discard(_ victim: String, of identity: DomainIdentity, _ vm: QEMURunningDomain?) async throws(VirError) {
        let domain = try find(identity)
        guard let snapshot = domain.snapshots.node(victim)?.payload else { throw Self.noSnapshot(victim) }
        if snapshot.isExternal {
            try await commitBack(victim, snapshot, of: domain, vm)
            return
        }
        let disks = try QEMUSnapshotImages.internalDisks(of: snapshot, in: domain.definition)
        if let vm {
            try await QEMUSnapshotImages.internalLive("snapshot-delete", victim, disks: disks, qemu: vm.qemu)
        } else {
            try await QEMUSnapshotImages.internalOffline(.delete, victim, disks: disks)
        }
    }

    /// Merges the overlay on each disk of external snapshot `victim` back into the image the
    /// snapshot froze, which it then no longer needs to keep. Only where that overlay is
    /// the disk's active image and no other snapshot keeps either image; otherwise refused,
    /// changing nothing on that disk.
    private func commitBack(_ victim: String, _ snapshot: DomainSnapshotDefinition, of domain: QEMUDomain, _ vm: QEMURunningDomain?) async throws(VirError) {
        for entry in snapshot.disks where entry.snapshot == .external {
            guard let disk = domain.definition.devices.disks.first(where: { $0.target == entry.name }), let top = disk.source,
                  let frozen = snapshot.domain?.devices.disks.first(where: { $0.target == entry.name })?.source else { continue }
            guard disk.backingChain.first?.source == frozen, !QEMUSnapshotImages.isKept(frozen, by: domain.snapshots, except: victim),
                  !QEMUSnapshotImages.isKept(top, by: domain.snapshots, except: victim) else {
                throw VirError(.operationUnsupported, "cannot delete external snapshot '\(victim)': disk \(disk.target)'s active image \(top) is not the only overlay on \(frozen); delete the snapshot's children with it, or revert to it, first", domain: .qemu)
            }
            if let vm {
                let nodes = try await vm.qemu.topNodes(of: [disk])
                guard let topNode = nodes[disk.target]?.node, let base = try await vm.qemu.formatNode(opening: frozen) else {
                    throw VirError(.operationInvalid, "QEMU does not show the images of disk \(disk.target)", domain: .qemu)
                }
                try await vm.qemu.runJob("block-commit", [("device", .string(topNode)), ("base-node", .string(base)), ("auto-dismiss", .bool(false))])
                _ = try? await vm.qemu.monitor.execute("blockdev-del", arguments: .object([("node-name", .string(topNode))]))
            } else {
                try await QEMUImages.commit(top)
            }
            try changeDisks(of: domain.identity, vm) { current in
                guard current.target == disk.target, let below = current.backingChain.first else { return current }
                var merged = current
                merged.source = below.source
                merged.type = below.type
                merged.driverType = below.format
                merged.backingChain = Array(current.backingChain.dropFirst())
                return merged
            }
            unlink(top)
        }
    }
}
