import VirtCore
import VirtError
import VirtRPC
import XDR

/// The LXC program's calls (`lxc_protocol.x`).
enum LXCProcedures {
    static let handlers: [LXCProcedure: ProcedureHandler] = [
        // The namespaces go back as descriptors (REPLY_WITH_FDS), for the client to enter.
        .domainOpenNamespace: .files("virDomainLxcOpenNamespace") { (args: LxcDomainOpenNamespaceArgs, _, connection) throws(VirError) in
            (XDRVoid(), try await connection.domain(args.dom).lxcOpenNamespace(flags: LxcFlags(rawValue: args.flags)))
        },
    ]
}
