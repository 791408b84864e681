import VirtCore
import VirtError
import VirtRPC
import XDR

/// The snapshot calls: `snapshot-create-as`, `snapshot-list`, `snapshot-current`,
/// `snapshot-revert`, `snapshot-delete`, `snapshot-parent`, `snapshot-dumpxml`, and the
/// older name-list calls clients fall back to.
enum SnapshotProcedures {
    /// `REMOTE_DOMAIN_SNAPSHOT_LIST_MAX`
    static let listMaximum: Int32 = 16384

    static let handlers: [RemoteProcedure: ProcedureHandler] = [
        .domainSnapshotCreateXml: .mutation("virDomainSnapshotCreateXML") { (args: RemoteDomainSnapshotCreateXmlArgs, connection) throws(VirError) in
            let snapshot = try await connection.domain(args.dom).createSnapshot(xml: args.xmlDesc, flags: SnapshotCreateFlags(rawValue: args.flags))
            return RemoteDomainSnapshotCreateXmlRet(snap: RemoteNonnullDomainSnapshot(snapshot))
        },
        .domainSnapshotGetXmlDesc: .query { (args: RemoteDomainSnapshotGetXmlDescArgs, connection) throws(VirError) in
            RemoteDomainSnapshotGetXmlDescRet(xml: try await connection.snapshot(args.snap).xmlDescription(flags: SnapshotXMLFlags(rawValue: args.flags)))
        },
        .domainSnapshotNum: .query { (args: RemoteDomainSnapshotNumArgs, connection) throws(VirError) in
            RemoteDomainSnapshotNumRet(num: Int32(try await connection.domain(args.dom).snapshotCount(flags: SnapshotListFlags(rawValue: args.flags))))
        },
        .domainSnapshotListNames: .query { (args: RemoteDomainSnapshotListNamesArgs, connection) throws(VirError) in
            try checkMaxNames(args.maxnames, "virDomainSnapshotListNames")
            let names = try await connection.domain(args.dom).snapshotNames(flags: SnapshotListFlags(rawValue: args.flags))
            return RemoteDomainSnapshotListNamesRet(names: Array(names.prefix(Int(args.maxnames))))
        },
        .domainListAllSnapshots: .query { (args: RemoteDomainListAllSnapshotsArgs, connection) throws(VirError) in
            let snapshots = try await connection.domain(args.dom).listAllSnapshots(flags: SnapshotListFlags(rawValue: args.flags))
            return RemoteDomainListAllSnapshotsRet(snapshots: args.needResults != 0 ? snapshots.map(RemoteNonnullDomainSnapshot.init) : [],
                                                   ret: Int32(snapshots.count))
        },
        .domainSnapshotNumChildren: .query { (args: RemoteDomainSnapshotNumChildrenArgs, connection) throws(VirError) in
            RemoteDomainSnapshotNumChildrenRet(num: Int32(try await connection.snapshot(args.snap).childCount(flags: SnapshotListFlags(rawValue: args.flags))))
        },
        .domainSnapshotListChildrenNames: .query { (args: RemoteDomainSnapshotListChildrenNamesArgs, connection) throws(VirError) in
            try checkMaxNames(args.maxnames, "virDomainSnapshotListChildrenNames")
            let names = try await connection.snapshot(args.snap).childNames(flags: SnapshotListFlags(rawValue: args.flags))
            return RemoteDomainSnapshotListChildrenNamesRet(names: Array(names.prefix(Int(args.maxnames))))
        },
        .domainSnapshotListAllChildren: .query { (args: RemoteDomainSnapshotListAllChildrenArgs, connection) throws(VirError) in
            let children = try await connection.snapshot(args.snapshot).listAllChildren(flags: SnapshotListFlags(rawValue: args.flags))
            return RemoteDomainSnapshotListAllChildrenRet(snapshots: args.needResults != 0 ? children.map(RemoteNonnullDomainSnapshot.init) : [],
                                                          ret: Int32(children.count))
        },
        .domainSnapshotLookupByName: .query { (args: RemoteDomainSnapshotLookupByNameArgs, connection) throws(VirError) in
            try NoFlags(rawValue: args.flags).checkKnown(function: "virDomainSnapshotLookupByName")
            let snapshot = try await connection.domain(args.dom).snapshot(named: args.name)
            return RemoteDomainSnapshotLookupByNameRet(snap: RemoteNonnullDomainSnapshot(snapshot))
        },
        .domainHasCurrentSnapshot: .query { (args: RemoteDomainHasCurrentSnapshotArgs, connection) throws(VirError) in
            try NoFlags(rawValue: args.flags).checkKnown(function: "virDomainHasCurrentSnapshot")
            return RemoteDomainHasCurrentSnapshotRet(result: try await connection.domain(args.dom).hasCurrentSnapshot() ? 1 : 0)
        },
        .domainSnapshotCurrent: .query { (args: RemoteDomainSnapshotCurrentArgs, connection) throws(VirError) in
            try NoFlags(rawValue: args.flags).checkKnown(function: "virDomainSnapshotCurrent")
            return RemoteDomainSnapshotCurrentRet(snap: RemoteNonnullDomainSnapshot(try await connection.domain(args.dom).currentSnapshot()))
        },
        .domainSnapshotGetParent: .query { (args: RemoteDomainSnapshotGetParentArgs, connection) throws(VirError) in
            try NoFlags(rawValue: args.flags).checkKnown(function: "virDomainSnapshotGetParent")
            return RemoteDomainSnapshotGetParentRet(snap: RemoteNonnullDomainSnapshot(try await connection.snapshot(args.snap).parent()))
        },
        .domainSnapshotIsCurrent: .query { (args: RemoteDomainSnapshotIsCurrentArgs, connection) throws(VirError) in
            try NoFlags(rawValue: args.flags).checkKnown(function: "virDomainSnapshotIsCurrent")
            return RemoteDomainSnapshotIsCurrentRet(current: try await connection.snapshot(args.snap).isCurrent() ? 1 : 0)
        },
        .domainSnapshotHasMetadata: .query { (args: RemoteDomainSnapshotHasMetadataArgs, connection) throws(VirError) in
            try NoFlags(rawValue: args.flags).checkKnown(function: "virDomainSnapshotHasMetadata")
            return RemoteDomainSnapshotHasMetadataRet(metadata: try await connection.snapshot(args.snap).hasMetadata() ? 1 : 0)
        },
        .domainRevertToSnapshot: .action("virDomainRevertToSnapshot") { (args: RemoteDomainRevertToSnapshotArgs, connection) throws(VirError) in
            try await connection.snapshot(args.snap).revert(flags: SnapshotRevertFlags(rawValue: args.flags))
        },
        .domainSnapshotDelete: .action("virDomainSnapshotDelete") { (args: RemoteDomainSnapshotDeleteArgs, connection) throws(VirError) in
            try await connection.snapshot(args.snap).delete(flags: SnapshotDeleteFlags(rawValue: unsignedFlags(args.flags)))
        },
    ]

    /// libvirtd's bound on `maxnames`, and the public API's refusal of a negative one.
    private static func checkMaxNames(_ maxnames: Int32, _ function: String) throws(VirError) {
        guard maxnames <= listMaximum else { throw VirError.rpcLimit("maxnames > REMOTE_DOMAIN_SNAPSHOT_LIST_MAX") }
        guard maxnames >= 0 else { throw VirError.invalidArg("maxnames in \(function) must be zero or greater") }
    }
}
