import VirtCore
import VirtError
import VirtXML

extension QEMUDriver {
    static func noSnapshot(_ name: String) -> VirError {
        VirError(.noDomainSnapshot, "no domain snapshot with matching name '\(name)'", domain: .domainSnapshot)
    }

    /// The snapshots of the domain behind `identity`.
    func snapshotTree(_ identity: DomainIdentity) throws(VirError) -> SnapshotTree {
        try find(identity).snapshots
    }

    /// Snapshot `name` of the domain behind `identity`, and the tree it is in.
    func snapshotNode(_ identity: DomainIdentity, _ name: String) throws(VirError) -> (SnapshotTree, SnapshotTree.Node) {
        let tree = try snapshotTree(identity)
        guard let node = tree.node(name) else { throw Self.noSnapshot(name) }
        return (tree, node)
    }

    /// Corresponds to `virDomainListAllSnapshots`, every filter included.
    public func listSnapshots(_ identity: DomainIdentity, flags: SnapshotListFlags) async throws -> [String] {
        try flags.check(supported: .known, function: "qemuDomainListAllSnapshots", domain: .qemu)
        return try snapshotTree(identity).list(flags)
    }

    /// Corresponds to `virDomainSnapshotListAllChildren`.
    public func listSnapshotChildren(_ identity: DomainIdentity, snapshot: String, flags: SnapshotListFlags) async throws -> [String] {
        try flags.check(supported: .known, function: "qemuDomainSnapshotListAllChildren", domain: .qemu)
        guard let children = try snapshotTree(identity).children(of: snapshot, flags) else { throw Self.noSnapshot(snapshot) }
        return children
    }

    /// Corresponds to `virDomainSnapshotLookupByName`.
    public func lookupSnapshot(_ identity: DomainIdentity, name: String) async throws -> String {
        try snapshotNode(identity, name).1.name
    }

    /// Corresponds to `virDomainSnapshotCurrent`.
    public func currentSnapshot(_ identity: DomainIdentity) async throws -> String? {
        try snapshotTree(identity).current
    }

    /// Corresponds to `virDomainSnapshotGetParent`.
    public func snapshotParent(_ identity: DomainIdentity, snapshot: String) async throws -> String {
        guard let parent = try snapshotNode(identity, snapshot).1.parent else {
            throw VirError(.noDomainSnapshot, "snapshot '\(snapshot)' does not have a parent", domain: .domainSnapshot)
        }
        return parent
    }

    /// Corresponds to `virDomainSnapshotGetXMLDesc`.
    public func snapshotXML(_ identity: DomainIdentity, snapshot: String, flags: SnapshotXMLFlags) async throws -> String {
        try flags.check(supported: .secure, function: "qemuDomainSnapshotGetXMLDesc", domain: .qemu)
        let node = try snapshotNode(identity, snapshot).1
        var payload = node.payload
        payload.parent = node.parent
        return payload.format(SnapshotFormatOptions(secure: flags.contains(.secure)))
    }

    /// Corresponds to `virDomainSnapshotIsCurrent`.
    public func snapshotIsCurrent(_ identity: DomainIdentity, snapshot: String) async throws -> Bool {
        try snapshotNode(identity, snapshot).0.current == snapshot
    }

    /// Corresponds to `virDomainSnapshotHasMetadata`: every snapshot the driver lists has.
    public func snapshotHasMetadata(_ identity: DomainIdentity, snapshot: String) async throws -> Bool {
        _ = try snapshotNode(identity, snapshot)
        return true
    }

    /// Runs a snapshot call's `body` with the domain to itself: as a job on its running QEMU
    /// (given to `body`), or, while it is shut off, marked so that it is neither started nor
    /// given another such job until `body` ends. `body` gets the domain as it is then.
    func withSnapshotJob<R>(_ identity: DomainIdentity, _ body: (QEMURunningDomain?, QEMUDomain) async throws(VirError) -> R) async throws(VirError) -> R {
        let vm = try mutate { (domains, _) throws(VirError) -> QEMURunningDomain? in
            var domain = try domains.find(identity)
            if let vm = domain.running { return vm }
            guard !domain.isBusy else { throw Self.busy }
            domain.hasOfflineJob = true
            domains[identity.name] = domain
            return nil
        }
        if let vm {
            return try await vm.jobs.run { () async throws(VirError) -> R in
                let domain = try find(identity)
                guard domain.running === vm else { throw VirError(.operationInvalid, "domain is not running", domain: .qemu) }
                return try await body(vm, domain)
            }
        }
        defer { mutate { (domains, _) in domains[identity.name]?.hasOfflineJob = false } }
        return try await body(nil, try find(identity))
    }

    /// Changes the snapshots of `name` with `body`, then writes the metadata of those it
    /// names (the changed ones, and the current one before and after if it moved; nothing
    /// else's file changes) and removes that of those it removed.
    func updateSnapshots(of name: String, _ body: (inout SnapshotTree) throws(VirError) -> (changed: [String], removed: [String])) throws(VirError) {
        try domains.withLock { (domains) throws(VirError) in
            guard var domain = domains[name] else { return }
            let before = domain.snapshots.current
            let (changed, removed) = try body(&domain.snapshots)
            // A move of `current` changes the `<active>` of the snapshots it leaves and reaches.
            let moved = before == domain.snapshots.current ? [] : [before, domain.snapshots.current].compactMap { $0 }
            let written = Set(changed + moved).subtracting(removed)
            try store.saveSnapshots(Array(written), of: domain.snapshots, domain: name)
            store.removeSnapshots(removed, domain: name)
            domains[name] = domain
        }
    }
}
