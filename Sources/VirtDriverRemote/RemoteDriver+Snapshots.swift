import VirtCore
import VirtError
import VirtRPC
import XDR

extension RemoteDriver {
    /// Corresponds to `virDomainSnapshotCreateXML`.
    public func createSnapshot(_ domain: DomainIdentity, xml: String, flags: SnapshotCreateFlags) async throws -> String {
        let arguments = RemoteDomainSnapshotCreateXmlArgs(dom: RemoteNonnullDomain(domain), xmlDesc: xml, flags: flags.rawValue)
        return try await call(.domainSnapshotCreateXml, arguments, returning: RemoteDomainSnapshotCreateXmlRet.self).snap.name
    }

    /// Corresponds to `virDomainListAllSnapshots`.
    public func listSnapshots(_ domain: DomainIdentity, flags: SnapshotListFlags) async throws -> [String] {
        let arguments = RemoteDomainListAllSnapshotsArgs(dom: RemoteNonnullDomain(domain), needResults: 1, flags: flags.rawValue)
        return try await call(.domainListAllSnapshots, arguments, returning: RemoteDomainListAllSnapshotsRet.self).snapshots.map(\.name)
    }

    /// Corresponds to `virDomainSnapshotListAllChildren`.
    public func listSnapshotChildren(_ domain: DomainIdentity, snapshot: String, flags: SnapshotListFlags) async throws -> [String] {
        let arguments = RemoteDomainSnapshotListAllChildrenArgs(snapshot: RemoteNonnullDomainSnapshot(snapshot, of: domain), needResults: 1,
                                                                flags: flags.rawValue)
        return try await call(.domainSnapshotListAllChildren, arguments, returning: RemoteDomainSnapshotListAllChildrenRet.self).snapshots.map(\.name)
    }

    /// Corresponds to `virDomainSnapshotLookupByName`.
    public func lookupSnapshot(_ domain: DomainIdentity, name: String) async throws -> String {
        let arguments = RemoteDomainSnapshotLookupByNameArgs(dom: RemoteNonnullDomain(domain), name: name, flags: 0)
        return try await call(.domainSnapshotLookupByName, arguments, returning: RemoteDomainSnapshotLookupByNameRet.self).snap.name
    }

    /// Corresponds to `virDomainHasCurrentSnapshot`, then `virDomainSnapshotCurrent`.
    public func currentSnapshot(_ domain: DomainIdentity) async throws -> String? {
        let handle = RemoteNonnullDomain(domain)
        let has = try await call(.domainHasCurrentSnapshot, RemoteDomainHasCurrentSnapshotArgs(dom: handle, flags: 0),
                                 returning: RemoteDomainHasCurrentSnapshotRet.self)
        guard has.result != 0 else { return nil }
        return try await call(.domainSnapshotCurrent, RemoteDomainSnapshotCurrentArgs(dom: handle, flags: 0),
                              returning: RemoteDomainSnapshotCurrentRet.self).snap.name
    }

    /// Corresponds to `virDomainSnapshotGetParent`.
    public func snapshotParent(_ domain: DomainIdentity, snapshot: String) async throws -> String {
        let arguments = RemoteDomainSnapshotGetParentArgs(snap: RemoteNonnullDomainSnapshot(snapshot, of: domain), flags: 0)
        return try await call(.domainSnapshotGetParent, arguments, returning: RemoteDomainSnapshotGetParentRet.self).snap.name
    }

    /// Corresponds to `virDomainSnapshotGetXMLDesc`.
    public func snapshotXML(_ domain: DomainIdentity, snapshot: String, flags: SnapshotXMLFlags) async throws -> String {
        let arguments = RemoteDomainSnapshotGetXmlDescArgs(snap: RemoteNonnullDomainSnapshot(snapshot, of: domain), flags: flags.rawValue)
        return try await call(.domainSnapshotGetXmlDesc, arguments, returning: RemoteDomainSnapshotGetXmlDescRet.self).xml
    }

    /// Corresponds to `virDomainRevertToSnapshot`.
    public func revert(_ domain: DomainIdentity, snapshot: String, flags: SnapshotRevertFlags) async throws {
        try await perform(.domainRevertToSnapshot, RemoteDomainRevertToSnapshotArgs(snap: RemoteNonnullDomainSnapshot(snapshot, of: domain),
                                                                                    flags: flags.rawValue))
    }

    /// Corresponds to `virDomainSnapshotDelete`.
    public func deleteSnapshot(_ domain: DomainIdentity, snapshot: String, flags: SnapshotDeleteFlags) async throws {
        try await perform(.domainSnapshotDelete, RemoteDomainSnapshotDeleteArgs(snap: RemoteNonnullDomainSnapshot(snapshot, of: domain),
                                                                                flags: signedFlags(flags.rawValue)))
    }

    /// Corresponds to `virDomainSnapshotIsCurrent`.
    public func snapshotIsCurrent(_ domain: DomainIdentity, snapshot: String) async throws -> Bool {
        let arguments = RemoteDomainSnapshotIsCurrentArgs(snap: RemoteNonnullDomainSnapshot(snapshot, of: domain), flags: 0)
        return try await call(.domainSnapshotIsCurrent, arguments, returning: RemoteDomainSnapshotIsCurrentRet.self).current != 0
    }

    /// Corresponds to `virDomainSnapshotHasMetadata`.
    public func snapshotHasMetadata(_ domain: DomainIdentity, snapshot: String) async throws -> Bool {
        let arguments = RemoteDomainSnapshotHasMetadataArgs(snap: RemoteNonnullDomainSnapshot(snapshot, of: domain), flags: 0)
        return try await call(.domainSnapshotHasMetadata, arguments, returning: RemoteDomainSnapshotHasMetadataRet.self).metadata != 0
    }
}
