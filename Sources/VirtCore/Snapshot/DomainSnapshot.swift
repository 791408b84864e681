import VirtError
import VirtXML

/// A handle on one snapshot of a domain. Corresponds to `virDomainSnapshotPtr`.
public struct DomainSnapshot: Sendable, Hashable {
    /// The domain it belongs to (`virDomainSnapshotGetDomain`).
    public let domain: Domain
    /// Its name (`virDomainSnapshotGetName`).
    public let name: String

    /// A handle on snapshot `name` of `domain`.
    public init(domain: Domain, name: String) {
        self.domain = domain
        self.name = name
    }

    /// Corresponds to `virDomainSnapshotGetParent`.
    public func parent() async throws(VirError) -> DomainSnapshot {
        let parent = try await domain.call("virDomainSnapshotGetParent") { try await $0.snapshotParent(domain.identity, snapshot: name) }
        return DomainSnapshot(domain: domain, name: parent)
    }

    /// Corresponds to `virDomainSnapshotGetXMLDesc`.
    public func xmlDescription(flags: SnapshotXMLFlags = []) async throws(VirError) -> String {
        try flags.checkKnown(function: "virDomainSnapshotGetXMLDesc")
        if flags.contains(.secure) && domain.connection.isReadOnly {
            throw VirError(.operationDenied, "virDomainSnapshotGetXMLDesc with secure flag", domain: .domainSnapshot)
        }
        return try await domain.call("virDomainSnapshotGetXMLDesc") { try await $0.snapshotXML(domain.identity, snapshot: name, flags: flags) }
    }

    /// Corresponds to `virDomainRevertToSnapshot`.
    public func revert(flags: SnapshotRevertFlags = []) async throws(VirError) {
        try flags.checkKnown(function: "virDomainRevertToSnapshot")
        try exclusive(flags, .running, "VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING", .paused, "VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED")
        try await domain.call("virDomainRevertToSnapshot", mutating: true) { try await $0.revert(domain.identity, snapshot: name, flags: flags) }
    }

    /// Corresponds to `virDomainSnapshotDelete`.
    public func delete(flags: SnapshotDeleteFlags = []) async throws(VirError) {
        try flags.checkKnown(function: "virDomainSnapshotDelete")
        try exclusive(flags, .children, "VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN", .childrenOnly, "VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN_ONLY")
        try await domain.call("virDomainSnapshotDelete", mutating: true) { try await $0.deleteSnapshot(domain.identity, snapshot: name, flags: flags) }
    }

    /// Corresponds to `virDomainSnapshotIsCurrent`.
    public func isCurrent() async throws(VirError) -> Bool {
        try await domain.call("virDomainSnapshotIsCurrent") { try await $0.snapshotIsCurrent(domain.identity, snapshot: name) }
    }

    /// Corresponds to `virDomainSnapshotHasMetadata`.
    public func hasMetadata() async throws(VirError) -> Bool {
        try await domain.call("virDomainSnapshotHasMetadata") { try await $0.snapshotHasMetadata(domain.identity, snapshot: name) }
    }

    /// Corresponds to `virDomainSnapshotListAllChildren` (with `.descendants`, all of them).
    public func listAllChildren(flags: SnapshotListFlags = []) async throws(VirError) -> [DomainSnapshot] {
        try await childNames(flags: flags).map { DomainSnapshot(domain: domain, name: $0) }
    }

    /// Corresponds to `virDomainSnapshotListChildrenNames`.
    public func childNames(flags: SnapshotListFlags = []) async throws(VirError) -> [String] {
        try flags.checkKnown(function: "virDomainSnapshotListAllChildren")
        return try await domain.call("virDomainSnapshotListAllChildren") { try await $0.listSnapshotChildren(domain.identity, snapshot: name, flags: flags) }
    }

    /// Corresponds to `virDomainSnapshotNumChildren`.
    public func childCount(flags: SnapshotListFlags = []) async throws(VirError) -> Int {
        try await childNames(flags: flags).count
    }
}

extension SnapshotListFlags {
    /// `VIR_DOMAIN_SNAPSHOT_LIST_DESCENDANTS`: for the children calls, bit 0 means every
    /// descendant rather than only the roots.
    public static let descendants = SnapshotListFlags.roots
}

// MARK: - Snapshot calls on a domain

extension Domain {
    /// Corresponds to `virDomainSnapshotCreateXML`, with the public API's flag rules.
    @discardableResult
    public func createSnapshot(xml: String, flags: SnapshotCreateFlags = []) async throws(VirError) -> DomainSnapshot {
        try flags.checkKnown(function: "virDomainSnapshotCreateXML")
        try requires(flags, .current, "VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT", .redefine, "VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE")
        try exclusive(flags, .redefine, "VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE", .noMetadata, "VIR_DOMAIN_SNAPSHOT_CREATE_NO_METADATA")
        try exclusive(flags, .redefine, "VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE", .halt, "VIR_DOMAIN_SNAPSHOT_CREATE_HALT")
        let name = try await call("virDomainSnapshotCreateXML", mutating: true) { try await $0.createSnapshot(identity, xml: xml, flags: flags) }
        return DomainSnapshot(domain: self, name: name)
    }

    /// Corresponds to `virDomainListAllSnapshots`.
    public func listAllSnapshots(flags: SnapshotListFlags = []) async throws(VirError) -> [DomainSnapshot] {
        try await snapshotNames(flags: flags).map { DomainSnapshot(domain: self, name: $0) }
    }

    /// Corresponds to `virDomainSnapshotListNames`.
    public func snapshotNames(flags: SnapshotListFlags = []) async throws(VirError) -> [String] {
        try flags.checkKnown(function: "virDomainListAllSnapshots")
        return try await call("virDomainListAllSnapshots") { try await $0.listSnapshots(identity, flags: flags) }
    }

    /// Corresponds to `virDomainSnapshotNum`.
    public func snapshotCount(flags: SnapshotListFlags = []) async throws(VirError) -> Int {
        try await snapshotNames(flags: flags).count
    }

    /// Corresponds to `virDomainSnapshotLookupByName`.
    public func snapshot(named name: String) async throws(VirError) -> DomainSnapshot {
        let found = try await call("virDomainSnapshotLookupByName") { try await $0.lookupSnapshot(identity, name: name) }
        return DomainSnapshot(domain: self, name: found)
    }

    /// Corresponds to `virDomainSnapshotCurrent`; `VIR_ERR_NO_DOMAIN_SNAPSHOT` when there is none.
    public func currentSnapshot() async throws(VirError) -> DomainSnapshot {
        guard let name = try await call("virDomainSnapshotCurrent", { try await $0.currentSnapshot(identity) }) else {
            throw VirError(.noDomainSnapshot, "the domain does not have a current snapshot", domain: .test)
        }
        return DomainSnapshot(domain: self, name: name)
    }

    /// Corresponds to `virDomainHasCurrentSnapshot`.
    public func hasCurrentSnapshot() async throws(VirError) -> Bool {
        try await call("virDomainHasCurrentSnapshot") { try await $0.currentSnapshot(identity) } != nil
    }
}

/// `VIR_REQUIRE_FLAG`: `flag` may only be given together with `required`.
func requires<F: KnownFlags>(_ flags: F, _ flag: F, _ flagName: String, _ required: F, _ requiredName: String, domain: ErrorDomain = .domainSnapshot) throws(VirError) {
    if flags.contains(flag) && !flags.contains(required) {
        throw VirError.invalidArg("Flag '\(requiredName)' is required by flag '\(flagName)'", domain: domain)
    }
}

/// `VIR_EXCLUSIVE_FLAGS`: `a` and `b` may not be given together.
func exclusive<F: KnownFlags>(_ flags: F, _ a: F, _ aName: String, _ b: F, _ bName: String, domain: ErrorDomain = .domainSnapshot) throws(VirError) {
    if flags.contains(a) && flags.contains(b) {
        throw VirError.invalidArg("Flags '\(aName)' and '\(bName)' are mutually exclusive", domain: domain)
    }
}
