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
            let snapshot = try Self.newSnapshot(requested, of: current, flags: flags)
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

    /// Fills in a new snapshot of `domain` the way libvirt does: name, time, state, memory
    /// and one disk entry per domain disk.
    static func newSnapshot(_ requested: DomainSnapshotDefinition, of domain: TestDomain, flags: SnapshotCreateFlags) throws(VirError) -> DomainSnapshotDefinition {
        var snapshot = requested
        let now = Int64(time(nil))
        let name = requested.name ?? String(now)
        if domain.snapshots.node(name) != nil {
            throw VirError(.operationFailed, "domain moment \(name) already exists", domain: .domain)
        }
        snapshot.name = name
        snapshot.creationTime = now
        snapshot.parent = nil
        snapshot.domain = domain.definition
        snapshot.inactiveDomain = nil
        let diskOnly = flags.contains(.diskOnly)
        snapshot.state = diskOnly ? .diskSnapshot : DomainSnapshotDefinition.State(domain.state)
        if diskOnly {
            snapshot.memory = .no
        } else if snapshot.memory == nil {
            snapshot.memory = domain.isActive ? .internal : .no
        }
        snapshot.disks = try snapshotDisks(requested, of: domain.definition, name: name, diskOnly: diskOnly, reuse: flags.contains(.reuseExt))
        return snapshot
    }

    /// One entry per domain disk, in domain order, merging what the request says of each.
    static func snapshotDisks(_ requested: DomainSnapshotDefinition, of definition: DomainDefinition, name: String,
                              diskOnly: Bool, reuse: Bool) throws(VirError) -> [DomainSnapshotDefinition.Disk] {
        let disks = definition.devices.disks
        if requested.disks.count > disks.count {
            throw VirError(.configUnsupported, "too many disk snapshot requests for domain", domain: .domainSnapshot)
        }
        for entry in requested.disks where !disks.contains(where: { $0.target == entry.name || $0.source == entry.name }) {
            throw VirError(.configUnsupported, "no disk named '\(entry.name)'", domain: .domainSnapshot)
        }
        let external = diskOnly || requested.memory == .external
        return try disks.map { (disk) throws(VirError) -> DomainSnapshotDefinition.Disk in
            var entry = requested.disks.first { $0.name == disk.target || $0.name == disk.source }
                ?? DomainSnapshotDefinition.Disk(name: disk.target)
            entry.name = disk.target
            if entry.snapshot == nil {
                entry.snapshot = (disk.source ?? "").isEmpty ? .no : (external ? .external : .internal)
            }
            if entry.snapshot == .external {
                if entry.source == nil, let source = disk.source { entry.source = externalName(for: source, snapshot: name) }
                if reuse, let source = entry.source, access(source, F_OK) != 0 {
                    throw VirError(.operationInvalid, "external snapshot file for disk \(disk.target) does not exist: \(source)", domain: .test)
                }
            }
            return entry
        }
    }

    /// libvirt's default name for an external overlay: the image path with its extension
    /// replaced by the snapshot name.
    static func externalName(for source: String, snapshot: String) -> String {
        let slash = source.lastIndex(of: "/").map { source.index(after: $0) } ?? source.startIndex
        let base = source[slash...].lastIndex(of: ".").map { String(source[..<$0]) } ?? source
        return base + "." + snapshot
    }

    /// `VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE`: reinstates metadata, with libvirt's checks.
    static func redefineSnapshot(_ requested: DomainSnapshotDefinition, makeCurrent: Bool, domain: DomainIdentity, node: inout TestNode) throws(VirError) -> String {
        let name = requested.name ?? ""
        return try node.withDomain(domain) { d throws(VirError) in
            var snapshot = requested
            if var embedded = snapshot.domain {
                TestDefaults.apply(to: &embedded)
                snapshot.domain = embedded
            }
            if let parent = requested.parent {
                if parent == name {
                    throw VirError(.invalidArg, "cannot set moment \(name) as its own parent", domain: .domain)
                }
                guard d.snapshots.node(parent) != nil else {
                    throw VirError(.invalidArg, "parent \(parent) for moment \(name) not found", domain: .domain)
                }
                if d.snapshots.node(name) != nil && d.snapshots.isAncestor(name, of: parent) {
                    throw VirError(.invalidArg, "parent \(parent) would create cycle to \(name)", domain: .domain)
                }
            }
            if let embedded = requested.domain, embedded.uuid != d.definition.uuid {
                throw VirError(.invalidArg, "definition for snapshot \(name) must use uuid \(d.definition.uuid)", domain: .domainSnapshot)
            }
            if let existing = d.snapshots.node(name)?.payload {
                if existing.isOnline != snapshot.isOnline {
                    throw VirError(.invalidArg, "cannot change between online and offline snapshot state in snapshot \(name)", domain: .domainSnapshot)
                }
                if (existing.state == .diskSnapshot) != (snapshot.state == .diskSnapshot) {
                    throw VirError(.invalidArg, "cannot change between disk only and full system in snapshot \(name)", domain: .domainSnapshot)
                }
                if snapshot.domain == nil { snapshot.domain = existing.domain }
                d.snapshots.update(name, parent: requested.parent, payload: snapshot)
            } else {
                guard snapshot.domain != nil else {
                    throw VirError(.internalError, "missing domain in snapshot", domain: .domainSnapshot)
                }
                d.snapshots.insert(name, parent: requested.parent, payload: snapshot)
            }
            if makeCurrent { d.snapshots.current = name }
            return name
        }
    }

    /// Corresponds to `virDomainListAllSnapshots`.
    public func listSnapshots(_ domain: DomainIdentity, flags: SnapshotListFlags) async throws -> [String] {
        try flags.check(supported: Self.snapshotListFlags, function: "testDomainListAllSnapshots")
        return try read { node throws(VirError) in
            let tree = try node.domain(domain).snapshots
            let names = flags.contains(.roots) ? tree.roots : tree.topological
            return Self.filter(names, in: tree, flags)
        }
    }

    /// Corresponds to `virDomainSnapshotListAllChildren`.
    public func listSnapshotChildren(_ domain: DomainIdentity, snapshot: String, flags: SnapshotListFlags) async throws -> [String] {
        try flags.check(supported: Self.snapshotListFlags, function: "testDomainSnapshotListAllChildren")
        return try read { node throws(VirError) in
            let tree = try node.domain(domain).snapshots
            guard tree.node(snapshot) != nil else { throw Self.noSnapshot(snapshot) }
            let names = flags.contains(.descendants) ? tree.descendants(of: snapshot) : tree.children(of: snapshot)
            return Self.filter(names, in: tree, flags)
        }
    }

    static func filter(_ names: [String], in tree: SnapshotTree, _ flags: SnapshotListFlags) -> [String] {
        names.filter { name in
            guard let node = tree.node(name) else { return false }
            return node.payload.matches(flags, hasChildren: !node.children.isEmpty)
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

extension DomainSnapshotDefinition.State {
    /// The snapshot state that records a domain in `state`.
    init(_ state: DomainState) {
        switch state {
        case .running: self = .running
        case .paused: self = .paused
        case .blocked: self = .blocked
        case .shutdown: self = .shutdown
        case .crashed: self = .crashed
        case .pmSuspended: self = .pmSuspended
        case .shutoff: self = .shutoff
        case .noState: self = .noState
        }
    }
}
