import VirtCore
import VirtError
import VirtXML

#if canImport(Glibc)
import Glibc
#endif

extension TestDriver {
    static let snapshotListFlags: SnapshotListFlags = .known

    static func noSnapshot(_ name: String) -> VirError {
        VirError(.noDomainSnapshot, "no domain snapshot with matching name '\(name)'", domain: .test)
    }

    /// Corresponds to `virDomainSnapshotCreateXML`. Beyond libvirt's test driver this also
    /// honours `NO_METADATA`, `DISK_ONLY` (a disk-only snapshot, `QUIESCE` requiring it) and
    /// `REUSE_EXT`.
    public func createSnapshot(_ domain: DomainIdentity, xml: String, flags: SnapshotCreateFlags) async throws -> String {
        try flags.check(supported: .known, function: "testDomainSnapshotCreateXML")
        if flags.contains(.quiesce) && !flags.contains(.diskOnly) {
            throw VirError(.operationInvalid, "quiesce requires disk-only", domain: .test)
        }
        let requested = try DomainSnapshotDefinition.parse(xml, redefine: flags.contains(.redefine))
        return try mutate { node, events throws(VirError) in
            let current = try node.domain(domain)
            if flags.contains(.halt) && !current.isPersistent {
                throw VirError(.operationInvalid, "cannot halt after transient domain snapshot", domain: .test)
            }
            if flags.contains(.redefine) {
                return try Self.redefineSnapshot(requested, makeCurrent: flags.contains(.current), domain: domain, node: &node)
            }
            let snapshot = try requested.completed(for: current.definition, state: current.state, in: current.snapshots, flags: flags)
            let name = snapshot.name ?? ""
            if !flags.contains(.noMetadata) {
                try node.withDomain(domain) { d throws(VirError) in
                    d.snapshots.insert(name, parent: d.snapshots.current, payload: snapshot)
                    d.snapshots.current = name
                }
            }
            if flags.contains(.halt) && current.isActive {
                try Self.stop(domain, reason: .shutoffFromSnapshot, detail: .stoppedFromSnapshot, node: &node, events: &events) { _ throws(VirError) in }
            }
            return name
        }
    }

    /// `VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE`: reinstates metadata, with libvirt's checks.
    static func redefineSnapshot(_ requested: DomainSnapshotDefinition, makeCurrent: Bool, domain: DomainIdentity, node: inout TestNode) throws(VirError) -> String {
        try node.withDomain(domain) { d throws(VirError) in
            var snapshot = requested
            if var embedded = snapshot.domain {
                TestDefaults.apply(to: &embedded)
                snapshot.domain = embedded
            }
            return try d.snapshots.redefine(snapshot, makeCurrent: makeCurrent, uuid: d.definition.uuid)
        }
    }

    /// Corresponds to `virDomainListAllSnapshots`.
    public func listSnapshots(_ domain: DomainIdentity, flags: SnapshotListFlags) async throws -> [String] {
        try flags.check(supported: Self.snapshotListFlags, function: "testDomainListAllSnapshots")
        return try read { node throws(VirError) in try node.domain(domain).snapshots.list(flags) }
    }

    /// Corresponds to `virDomainSnapshotListAllChildren`.
    public func listSnapshotChildren(_ domain: DomainIdentity, snapshot: String, flags: SnapshotListFlags) async throws -> [String] {
        try flags.check(supported: Self.snapshotListFlags, function: "testDomainSnapshotListAllChildren")
        return try read { node throws(VirError) in
            guard let children = try node.domain(domain).snapshots.children(of: snapshot, flags) else { throw Self.noSnapshot(snapshot) }
            return children
        }
    }

    /// Reads snapshot `name` of `domain`, or throws `VIR_ERR_NO_DOMAIN_SNAPSHOT`.
    func snapshotNode(_ domain: DomainIdentity, _ name: String) throws(VirError) -> (TestDomain, SnapshotTree.Node) {
        try read { node throws(VirError) in
            let d = try node.domain(domain)
            guard let snapshot = d.snapshots.node(name) else { throw Self.noSnapshot(name) }
            return (d, snapshot)
        }
    }

    /// Corresponds to `virDomainSnapshotLookupByName`.
    public func lookupSnapshot(_ domain: DomainIdentity, name: String) async throws -> String {
        try snapshotNode(domain, name).1.name
    }

    /// Corresponds to `virDomainSnapshotCurrent`.
    public func currentSnapshot(_ domain: DomainIdentity) async throws -> String? {
        try read { node throws(VirError) in try node.domain(domain).snapshots.current }
    }

    /// Corresponds to `virDomainSnapshotGetParent`.
    public func snapshotParent(_ domain: DomainIdentity, snapshot: String) async throws -> String {
        guard let parent = try snapshotNode(domain, snapshot).1.parent else {
            throw VirError(.noDomainSnapshot, "snapshot '\(snapshot)' does not have a parent", domain: .test)
        }
        return parent
    }

    /// Corresponds to `virDomainSnapshotGetXMLDesc`.
    public func snapshotXML(_ domain: DomainIdentity, snapshot: String, flags: SnapshotXMLFlags) async throws -> String {
        try flags.check(supported: .secure, function: "testDomainSnapshotGetXMLDesc")
        let (_, node) = try snapshotNode(domain, snapshot)
        var payload = node.payload
        payload.parent = node.parent
        return payload.format(SnapshotFormatOptions(secure: flags.contains(.secure)))
    }

    /// Corresponds to `virDomainSnapshotIsCurrent`.
    public func snapshotIsCurrent(_ domain: DomainIdentity, snapshot: String) async throws -> Bool {
        let (d, _) = try snapshotNode(domain, snapshot)
        return d.snapshots.current == snapshot
    }

    /// Corresponds to `virDomainSnapshotHasMetadata`: every snapshot the driver knows has.
    public func snapshotHasMetadata(_ domain: DomainIdentity, snapshot: String) async throws -> Bool {
        _ = try snapshotNode(domain, snapshot)
        return true
    }

    /// Corresponds to `virDomainSnapshotDelete`.
    public func deleteSnapshot(_ domain: DomainIdentity, snapshot: String, flags: SnapshotDeleteFlags) async throws {
        try flags.check(supported: [.children, .childrenOnly, .metadataOnly], function: "testDomainSnapshotDelete")
        try mutate { node, _ throws(VirError) in
            try node.withDomain(domain) { d throws(VirError) in
                guard d.snapshots.node(snapshot) != nil else { throw Self.noSnapshot(snapshot) }
                if flags.contains(.children) || flags.contains(.childrenOnly) {
                    d.snapshots.removeDescendants(of: snapshot)
                }
                if !flags.contains(.childrenOnly) {
                    d.snapshots.remove(snapshot)
                }
            }
        }
    }

    /// Corresponds to `virDomainRevertToSnapshot`: the domain takes the snapshot's definition
    /// and state. Unlike libvirt 9.0's test driver, reverting to an offline snapshot with
    /// `RUNNING` or `PAUSED` really starts the domain, as the flags ask.
    public func revert(_ domain: DomainIdentity, snapshot: String, flags: SnapshotRevertFlags) async throws {
        try flags.check(supported: [.running, .paused, .force], function: "testDomainRevertToSnapshot")
        try mutate { node, events throws(VirError) in
            var d = try node.domain(domain)
            guard let target = d.snapshots.node(snapshot)?.payload else { throw Self.noSnapshot(snapshot) }
            let wantsRun = flags.contains(.running) || flags.contains(.paused)
            if !d.isPersistent && !target.isOnline && !wantsRun {
                throw VirError(.operationInvalid, "transient domain needs to request run or pause to revert to inactive snapshot", domain: .test)
            }
            if d.isActive {
                _ = node.markStopped(&d, reason: .shutoffFromSnapshot)
                events.append(DomainEvent(domain: d.identity, type: .stopped, detail: .stoppedFromSnapshot))
            }
            if let definition = target.domain {
                d.definition = definition
                d.pendingDefinition = nil
            }
            d.snapshots.current = snapshot
            if target.isOnline || wantsRun {
                node.markStarted(&d, reason: .runningFromSnapshot)
                events.append(DomainEvent(domain: d.identity, type: .started, detail: .startedFromSnapshot))
                if flags.contains(.paused) || (target.state == .paused && !flags.contains(.running)) {
                    d.state = .paused
                    d.reason = .pausedFromSnapshot
                    events.append(DomainEvent(domain: d.identity, type: .suspended, detail: .suspendedFromSnapshot))
                }
            }
            node.store(d)
        }
    }
}
