import VirtCore
import VirtError
import VirtRPC
import XDR

/// The calls that define, start, stop and remove domains: `define`, `create`, `start`,
/// `suspend`, `resume`, `shutdown`, `reboot`, `reset`, `destroy`, `undefine`, `autostart`.
enum DomainLifecycleProcedures {
    static let handlers: [RemoteProcedure: ProcedureHandler] = [
        .domainDefineXml: .mutation("virDomainDefineXML") { (args: RemoteDomainDefineXmlArgs, connection) throws(VirError) in
            RemoteDomainDefineXmlRet(dom: RemoteNonnullDomain(try await connection.defineDomain(xml: args.xml)))
        },
        .domainDefineXmlFlags: .mutation("virDomainDefineXMLFlags") { (args: RemoteDomainDefineXmlFlagsArgs, connection) throws(VirError) in
            let flags = DefineFlags(rawValue: unsignedFlags(args.flags))
            return RemoteDomainDefineXmlFlagsRet(dom: RemoteNonnullDomain(try await connection.defineDomain(xml: args.xml, flags: flags)))
        },
        .domainCreateXml: .mutation("virDomainCreateXML") { (args: RemoteDomainCreateXmlArgs, connection) throws(VirError) in
            let flags = CreateFlags(rawValue: unsignedFlags(args.flags))
            return RemoteDomainCreateXmlRet(dom: RemoteNonnullDomain(try await connection.createDomain(xml: args.xmlDesc, flags: flags)))
        },
        .domainCreate: .action("virDomainCreate") { (args: RemoteDomainCreateArgs, connection) throws(VirError) in
            _ = try await connection.domain(args.dom).create()
        },
        .domainCreateWithFlags: .mutation("virDomainCreateWithFlags") { (args: RemoteDomainCreateWithFlagsArgs, connection) throws(VirError) in
            let started = try await connection.domain(args.dom).create(flags: CreateFlags(rawValue: args.flags))
            return RemoteDomainCreateWithFlagsRet(dom: RemoteNonnullDomain(started))
        },
        .domainDestroy: .action("virDomainDestroy") { (args: RemoteDomainDestroyArgs, connection) throws(VirError) in
            try await connection.domain(args.dom).destroy()
        },
        .domainDestroyFlags: .action("virDomainDestroyFlags") { (args: RemoteDomainDestroyFlagsArgs, connection) throws(VirError) in
            try await connection.domain(args.dom).destroy(flags: DestroyFlags(rawValue: unsignedFlags(args.flags)))
        },
        .domainSuspend: .action("virDomainSuspend") { (args: RemoteDomainSuspendArgs, connection) throws(VirError) in
            try await connection.domain(args.dom).suspend()
        },
        .domainResume: .action("virDomainResume") { (args: RemoteDomainResumeArgs, connection) throws(VirError) in
            try await connection.domain(args.dom).resume()
        },
        .domainShutdown: .action("virDomainShutdown") { (args: RemoteDomainShutdownArgs, connection) throws(VirError) in
            try await connection.domain(args.dom).shutdown()
        },
        .domainShutdownFlags: .action("virDomainShutdownFlags") { (args: RemoteDomainShutdownFlagsArgs, connection) throws(VirError) in
            try await connection.domain(args.dom).shutdown(flags: ShutdownFlags(rawValue: unsignedFlags(args.flags)))
        },
        .domainReboot: .action("virDomainReboot") { (args: RemoteDomainRebootArgs, connection) throws(VirError) in
            try await connection.domain(args.dom).reboot(flags: RebootFlags(rawValue: unsignedFlags(args.flags)))
        },
        .domainReset: .action("virDomainReset") { (args: RemoteDomainResetArgs, connection) throws(VirError) in
            try NoFlags(rawValue: args.flags).checkKnown(function: "virDomainReset")
            try await connection.domain(args.dom).reset()
        },
        .domainUndefine: .action("virDomainUndefine") { (args: RemoteDomainUndefineArgs, connection) throws(VirError) in
            try await connection.domain(args.dom).undefine()
        },
        .domainUndefineFlags: .action("virDomainUndefineFlags") { (args: RemoteDomainUndefineFlagsArgs, connection) throws(VirError) in
            try await connection.domain(args.dom).undefine(flags: UndefineFlags(rawValue: unsignedFlags(args.flags)))
        },
        .domainSetAutostart: .action("virDomainSetAutostart") { (args: RemoteDomainSetAutostartArgs, connection) throws(VirError) in
            try await connection.domain(args.dom).setAutostart(args.autostart != 0)
        },
    ]
}
