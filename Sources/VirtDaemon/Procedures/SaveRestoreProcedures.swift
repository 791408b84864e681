import VirtCore
import VirtError
import VirtRPC
import XDR

/// The calls that write a domain to a file and bring it back: `save`, `restore` (and the image's XML), `dump`.
enum SaveRestoreProcedures {
    static let handlers: [RemoteProcedure: ProcedureHandler] = [
        .domainSave: .action("virDomainSave") { (args: RemoteDomainSaveArgs, connection) throws(VirError) in
            try await connection.domain(args.dom).save(to: args.to)
        },
        .domainSaveFlags: .action("virDomainSaveFlags") { (args: RemoteDomainSaveFlagsArgs, connection) throws(VirError) in
            try await connection.domain(args.dom).save(to: args.to, xml: args.dxml, flags: SaveRestoreFlags(rawValue: args.flags))
        },
        .domainRestore: .action("virDomainRestore") { (args: RemoteDomainRestoreArgs, connection) throws(VirError) in
            try await connection.restoreDomain(from: args.from)
        },
        .domainRestoreFlags: .action("virDomainRestoreFlags") { (args: RemoteDomainRestoreFlagsArgs, connection) throws(VirError) in
            try await connection.restoreDomain(from: args.from, xml: args.dxml, flags: SaveRestoreFlags(rawValue: args.flags))
        },
        .domainSaveImageGetXmlDesc: .query { (args: RemoteDomainSaveImageGetXmlDescArgs, connection) throws(VirError) in
            RemoteDomainSaveImageGetXmlDescRet(xml: try await connection.saveImageXML(path: args.file, flags: DomainXMLFlags(rawValue: args.flags)))
        },
        .domainCoreDump: .action("virDomainCoreDump") { (args: RemoteDomainCoreDumpArgs, connection) throws(VirError) in
            try await connection.domain(args.dom).coreDump(to: args.to, flags: DumpFlags(rawValue: unsignedFlags(args.flags)))
        },
    ]
}
