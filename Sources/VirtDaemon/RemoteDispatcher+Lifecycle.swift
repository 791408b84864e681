import VirtCore
import VirtError
import VirtRPC
import XDR

extension RemoteDispatcher {
    /// The calls that define, start, stop and remove domains; nil for other procedures.
    /// A read-only connection refuses each (the front door of `Connection`).
    func lifecycleCall(_ procedure: RemoteProcedure, _ packet: Packet, on connection: Connection) async throws(VirError) -> Packet? {
        switch procedure {
        case .domainDefineXml:
            return try await Self.reply(packet) { (args: RemoteDomainDefineXmlArgs) throws(VirError) in
                RemoteDomainDefineXmlRet(dom: Self.wire(try await connection.defineDomain(xml: args.xml)))
            }
        case .domainCreateXml:
            return try await Self.reply(packet) { (args: RemoteDomainCreateXmlArgs) throws(VirError) in
                let flags = CreateFlags(rawValue: UInt32(bitPattern: args.flags))
                return RemoteDomainCreateXmlRet(dom: Self.wire(try await connection.createDomain(xml: args.xmlDesc, flags: flags)))
            }
        case .domainCreate:
            return try await Self.voidReply(packet) { (args: RemoteDomainCreateArgs) throws(VirError) in
                _ = try await Self.domain(args.dom, on: connection).create()
            }
        case .domainCreateWithFlags:
            return try await Self.reply(packet) { (args: RemoteDomainCreateWithFlagsArgs) throws(VirError) in
                let flags = CreateFlags(rawValue: args.flags)
                return RemoteDomainCreateWithFlagsRet(dom: Self.wire(try await Self.domain(args.dom, on: connection).create(flags: flags)))
            }
        case .domainDestroy:
            return try await Self.voidReply(packet) { (args: RemoteDomainDestroyArgs) throws(VirError) in
                try await Self.domain(args.dom, on: connection).destroy()
            }
        case .domainSuspend:
            return try await Self.voidReply(packet) { (args: RemoteDomainSuspendArgs) throws(VirError) in
                try await Self.domain(args.dom, on: connection).suspend()
            }
        case .domainResume:
            return try await Self.voidReply(packet) { (args: RemoteDomainResumeArgs) throws(VirError) in
                try await Self.domain(args.dom, on: connection).resume()
            }
        case .domainShutdown:
            return try await Self.voidReply(packet) { (args: RemoteDomainShutdownArgs) throws(VirError) in
                try await Self.domain(args.dom, on: connection).shutdown()
            }
        case .domainUndefine:
            return try await Self.voidReply(packet) { (args: RemoteDomainUndefineArgs) throws(VirError) in
                try await Self.domain(args.dom, on: connection).undefine()
            }
        case .domainUndefineFlags:
            return try await Self.voidReply(packet) { (args: RemoteDomainUndefineFlagsArgs) throws(VirError) in
                try await Self.domain(args.dom, on: connection).undefine(flags: UndefineFlags(rawValue: UInt32(bitPattern: args.flags)))
            }
        default:
            return nil
        }
    }

    /// ``reply(_:_:)`` for calls that return nothing.
    static func voidReply<Args: XDRCodable>(_ packet: Packet, _ body: (Args) async throws(VirError) -> Void) async throws(VirError) -> Packet {
        try await reply(packet) { (args: Args) throws(VirError) -> XDRVoid in
            try await body(args)
            return XDRVoid()
        }
    }
}
