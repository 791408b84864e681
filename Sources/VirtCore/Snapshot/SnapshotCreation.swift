import VirtError
import VirtXML

#if canImport(Glibc)
import Glibc
#endif

extension DomainSnapshotDefinition {
    /// A requested new snapshot completed the way libvirt does (`virDomainSnapshotAlignDisks`
    /// and `qemuSnapshotCreateXML`'s defaults): its name (the creation time when none was
    /// given, refused if `tree` has it), time, state, memory and one disk entry per disk of
    /// `definition`, the domain being in `state`.
    public func completed(for definition: DomainDefinition, state: DomainState, in tree: SnapshotTree,
                          flags: SnapshotCreateFlags) throws(VirError) -> DomainSnapshotDefinition {
        var snapshot = self
        let now = Int64(time(nil))
        let name = self.name ?? String(now)
        if tree.node(name) != nil {
            throw VirError(.operationFailed, "domain moment \(name) already exists", domain: .domain)
        }
        snapshot.name = name
        snapshot.creationTime = now
        snapshot.parent = nil
        snapshot.domain = definition
        snapshot.inactiveDomain = nil
        let diskOnly = flags.contains(.diskOnly)
        let active = state != .shutoff
        snapshot.state = diskOnly ? .diskSnapshot : State(state)
        if diskOnly {
            snapshot.memory = .no
        } else if snapshot.memory == nil {
            snapshot.memory = active ? .internal : .no
        }
        snapshot.disks = try alignedDisks(with: definition, name: name, diskOnly: diskOnly, reuse: flags.contains(.reuseExt))
        return snapshot
    }

    /// One entry per domain disk, in domain order, merging what the request says of each.
    private func alignedDisks(with definition: DomainDefinition, name: String, diskOnly: Bool, reuse: Bool) throws(VirError) -> [Disk] {
        let domainDisks = definition.devices.disks
        if disks.count > domainDisks.count {
            throw VirError(.configUnsupported, "too many disk snapshot requests for domain", domain: .domainSnapshot)
        }
        for entry in disks where !domainDisks.contains(where: { $0.target == entry.name || $0.source == entry.name }) {
            throw VirError(.configUnsupported, "no disk named '\(entry.name)'", domain: .domainSnapshot)
        }
        let external = diskOnly || memory == .external
        return try domainDisks.map { (disk) throws(VirError) -> Disk in
            var entry = disks.first { $0.name == disk.target || $0.name == disk.source } ?? Disk(name: disk.target)
            entry.name = disk.target
            if entry.snapshot == nil {
                let empty = (disk.source ?? "").isEmpty || disk.device == "cdrom" || disk.readonly
                entry.snapshot = empty ? .no : (external ? .external : .internal)
            }
            if entry.snapshot == .external {
                if entry.source == nil, let source = disk.source { entry.source = Self.externalName(for: source, snapshot: name) }
                if reuse, let source = entry.source, access(source, F_OK) != 0 {
                    throw VirError(.operationInvalid, "external snapshot file for disk \(disk.target) does not exist: \(source)", domain: .domainSnapshot)
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
}

extension DomainSnapshotDefinition.State {
    /// The snapshot state that records a domain in `state`.
    public init(_ state: DomainState) {
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

extension SnapshotTree {
    /// `VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE`: reinstates `snapshot`'s metadata with
    /// libvirt's checks (`virDomainSnapshotRedefinePrep`), for the domain `uuid`; returns its
    /// name. The embedded domain, if any, has the driver's defaults applied already.
    public mutating func redefine(_ snapshot: DomainSnapshotDefinition, makeCurrent: Bool, uuid: DomainUUID) throws(VirError) -> String {
        let name = snapshot.name ?? ""
        var snapshot = snapshot
        if let parent = snapshot.parent {
            if parent == name {
                throw VirError(.invalidArg, "cannot set moment \(name) as its own parent", domain: .domain)
            }
            guard node(parent) != nil else {
                throw VirError(.invalidArg, "parent \(parent) for moment \(name) not found", domain: .domain)
            }
            if node(name) != nil && isAncestor(name, of: parent) {
                throw VirError(.invalidArg, "parent \(parent) would create cycle to \(name)", domain: .domain)
            }
        }
        if let embedded = snapshot.domain, embedded.uuid != uuid {
            throw VirError(.invalidArg, "definition for snapshot \(name) must use uuid \(uuid)", domain: .domainSnapshot)
        }
        if let existing = node(name)?.payload {
            if existing.isOnline != snapshot.isOnline {
                throw VirError(.invalidArg, "cannot change between online and offline snapshot state in snapshot \(name)", domain: .domainSnapshot)
            }
            if (existing.state == .diskSnapshot) != (snapshot.state == .diskSnapshot) {
                throw VirError(.invalidArg, "cannot change between disk only and full system in snapshot \(name)", domain: .domainSnapshot)
            }
            if snapshot.domain == nil { snapshot.domain = existing.domain }
            update(name, parent: snapshot.parent, payload: snapshot)
        } else {
            guard snapshot.domain != nil else {
                throw VirError(.internalError, "missing domain in snapshot", domain: .domainSnapshot)
            }
            insert(name, parent: snapshot.parent, payload: snapshot)
        }
        if makeCurrent { current = name }
        return name
    }
}
