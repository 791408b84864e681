import VirtError

/// Snapshot calls a driver answers. Snapshots are named per domain. Every method has a
/// default that throws `VIR_ERR_NO_SUPPORT`.
public protocol SnapshotDriver: Sendable {
    /// `virDomainSnapshotCreateXML`: returns the new snapshot's name.
    func createSnapshot(_ domain: DomainIdentity, xml: String, flags: SnapshotCreateFlags) async throws -> String
    /// `virDomainListAllSnapshots`: names matching `flags`, in the driver's order.
    func listSnapshots(_ domain: DomainIdentity, flags: SnapshotListFlags) async throws -> [String]
    /// `virDomainSnapshotListAllChildren`: children (or descendants) of `snapshot`.
    func listSnapshotChildren(_ domain: DomainIdentity, snapshot: String, flags: SnapshotListFlags) async throws -> [String]
    /// `virDomainSnapshotLookupByName`: throws `VIR_ERR_NO_DOMAIN_SNAPSHOT` when missing.
    func lookupSnapshot(_ domain: DomainIdentity, name: String) async throws -> String
    /// `virDomainSnapshotCurrent`: the current snapshot, `nil` when none.
    func currentSnapshot(_ domain: DomainIdentity) async throws -> String?
    /// `virDomainSnapshotGetParent`
    func snapshotParent(_ domain: DomainIdentity, snapshot: String) async throws -> String
    /// `virDomainSnapshotGetXMLDesc`
    func snapshotXML(_ domain: DomainIdentity, snapshot: String, flags: SnapshotXMLFlags) async throws -> String
    /// `virDomainRevertToSnapshot`
    func revert(_ domain: DomainIdentity, snapshot: String, flags: SnapshotRevertFlags) async throws
    /// `virDomainSnapshotDelete`
    func deleteSnapshot(_ domain: DomainIdentity, snapshot: String, flags: SnapshotDeleteFlags) async throws
    /// `virDomainSnapshotIsCurrent`
    func snapshotIsCurrent(_ domain: DomainIdentity, snapshot: String) async throws -> Bool
    /// `virDomainSnapshotHasMetadata`
    func snapshotHasMetadata(_ domain: DomainIdentity, snapshot: String) async throws -> Bool
}

extension SnapshotDriver {
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func createSnapshot(_ domain: DomainIdentity, xml: String, flags: SnapshotCreateFlags) async throws -> String { throw VirError.noSupport("virDomainSnapshotCreateXML") }
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func listSnapshots(_ domain: DomainIdentity, flags: SnapshotListFlags) async throws -> [String] { throw VirError.noSupport("virDomainListAllSnapshots") }
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func listSnapshotChildren(_ domain: DomainIdentity, snapshot: String, flags: SnapshotListFlags) async throws -> [String] { throw VirError.noSupport("virDomainSnapshotListAllChildren") }
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func lookupSnapshot(_ domain: DomainIdentity, name: String) async throws -> String { throw VirError.noSupport("virDomainSnapshotLookupByName") }
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func currentSnapshot(_ domain: DomainIdentity) async throws -> String? { throw VirError.noSupport("virDomainSnapshotCurrent") }
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func snapshotParent(_ domain: DomainIdentity, snapshot: String) async throws -> String { throw VirError.noSupport("virDomainSnapshotGetParent") }
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func snapshotXML(_ domain: DomainIdentity, snapshot: String, flags: SnapshotXMLFlags) async throws -> String { throw VirError.noSupport("virDomainSnapshotGetXMLDesc") }
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func revert(_ domain: DomainIdentity, snapshot: String, flags: SnapshotRevertFlags) async throws { throw VirError.noSupport("virDomainRevertToSnapshot") }
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func deleteSnapshot(_ domain: DomainIdentity, snapshot: String, flags: SnapshotDeleteFlags) async throws { throw VirError.noSupport("virDomainSnapshotDelete") }
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func snapshotIsCurrent(_ domain: DomainIdentity, snapshot: String) async throws -> Bool { throw VirError.noSupport("virDomainSnapshotIsCurrent") }
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func snapshotHasMetadata(_ domain: DomainIdentity, snapshot: String) async throws -> Bool { throw VirError.noSupport("virDomainSnapshotHasMetadata") }
}

/// Lifecycle events a driver emits. Corresponds to `virConnectDomainEventRegisterAny`
/// with `VIR_DOMAIN_EVENT_ID_LIFECYCLE`.
public protocol EventDriver: Sendable {
    /// A stream of every lifecycle event from now on.
    func lifecycleEvents() async throws -> AsyncStream<DomainEvent>
}

extension EventDriver {
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func lifecycleEvents() async throws -> AsyncStream<DomainEvent> { throw VirError.noSupport("virConnectDomainEventRegisterAny") }
}

/// Everything a connection's driver answers: the families above, each defaulting to
/// `VIR_ERR_NO_SUPPORT`.
public protocol HypervisorDriver: NodeDriver, DomainDriver, SnapshotDriver, EventDriver {}
