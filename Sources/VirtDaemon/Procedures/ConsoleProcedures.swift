import VirtCore
import VirtError
import VirtRPC

/// The calls that open a stream on a domain's device: its console.
enum ConsoleProcedures {
    static let handlers: [RemoteProcedure: ProcedureHandler] = [
        .domainOpenConsole: .stream("virDomainOpenConsole") { (args: RemoteDomainOpenConsoleArgs, connection) throws(VirError) in
            try await connection.domain(args.dom).openConsole(device: args.devName, flags: ConsoleFlags(rawValue: args.flags))
        },
    ]
}
