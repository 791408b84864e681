import VirtCore
import VirtError
import VirtRPC
import XDR

/// Whether a procedure changes anything. ``ProcedureTable`` gives every procedure one, and a
/// read-only connection is refused every ``mutation(api:)`` there, before its arguments are
/// even read.
enum ProcedureAccess: Sendable, Equatable {
    /// Reads state only: allowed on a read-only connection.
    case query
    /// Changes state: refused on a read-only connection with libvirt's
    /// "read only access prevents API" (`VIR_ERR_OPERATION_DENIED`).
    case mutation(api: String)
}

/// How virtd answers one procedure: its access, whether it needs an open connection, and the
/// code that turns the call's packet into the reply.
struct ProcedureHandler: Sendable {
    /// What the procedure may change.
    let access: ProcedureAccess
    /// Whether it is refused before CONNECT_OPEN ("hypervisor connection not open").
    let needsConnection: Bool
    /// Decodes the arguments, runs the call and encodes the reply.
    let run: @Sendable (Packet, ClientState) async throws(VirError) -> Packet

    /// A call on the client's open connection that changes nothing.
    static func query<Args: XDRCodable, Ret: XDRCodable>(
        _ body: @escaping @Sendable (Args, Connection) async throws(VirError) -> Ret
    ) -> ProcedureHandler {
        ProcedureHandler(access: .query, needsConnection: true) { packet, client throws(VirError) in
            try await reply(to: packet) { (args: Args) throws(VirError) in try await body(args, try client.openConnection()) }
        }
    }

    /// A call on the client's open connection that changes state and returns a result.
    static func mutation<Args: XDRCodable, Ret: XDRCodable>(
        _ api: String, _ body: @escaping @Sendable (Args, Connection) async throws(VirError) -> Ret
    ) -> ProcedureHandler {
        ProcedureHandler(access: .mutation(api: api), needsConnection: true) { packet, client throws(VirError) in
            try await reply(to: packet) { (args: Args) throws(VirError) in try await body(args, try client.openConnection()) }
        }
    }

    /// A call on the client's open connection that changes state and returns nothing.
    static func action<Args: XDRCodable>(
        _ api: String, _ body: @escaping @Sendable (Args, Connection) async throws(VirError) -> Void
    ) -> ProcedureHandler {
        mutation(api) { (args: Args, connection: Connection) throws(VirError) -> XDRVoid in
            try await body(args, connection)
            return XDRVoid()
        }
    }

    /// A call on the client's open connection that changes state and passes descriptors:
    /// `body` gets those that came with the call (`CALL_WITH_FDS`; the dispatcher closes them
    /// once the call is answered) and returns its result and the descriptors to send back. As
    /// libvirtd does, the reply is a `REPLY_WITH_FDS` only when it carries some; the session
    /// closes them once sent.
    static func files<Args: XDRCodable, Ret: XDRCodable>(
        _ api: String, _ body: @escaping @Sendable (Args, [Int32], Connection) async throws(VirError) -> (Ret, [Int32])
    ) -> ProcedureHandler {
        ProcedureHandler(access: .mutation(api: api), needsConnection: true) { packet, client throws(VirError) in
            let args = try packet.decode(Args.self)
            let (result, descriptors) = try await body(args, packet.descriptors, try client.openConnection())
            return Packet(header: packet.header.reply(withDescriptors: !descriptors.isEmpty), body: result, descriptors: descriptors)
        }
    }

    /// A call on the client's open connection that opens a stream: `body` returns the
    /// descriptor the stream carries (a console's), and the stream's packets follow the
    /// empty reply under the call's serial (``ClientStreams``).
    static func stream<Args: XDRCodable>(
        _ api: String, _ body: @escaping @Sendable (Args, Connection) async throws(VirError) -> Int32
    ) -> ProcedureHandler {
        ProcedureHandler(access: .mutation(api: api), needsConnection: true) { packet, client throws(VirError) in
            let args = try packet.decode(Args.self)
            client.streams.open(for: packet.header, descriptor: try await body(args, try client.openConnection()))
            return Packet(header: packet.header.reply(), body: XDRVoid())
        }
    }

    /// A call about the client's session itself (open, close, features, event registration).
    static func session<Args: XDRCodable, Ret: XDRCodable>(
        needsConnection: Bool = true, _ body: @escaping @Sendable (Args, ClientState) async throws(VirError) -> Ret
    ) -> ProcedureHandler {
        ProcedureHandler(access: .query, needsConnection: needsConnection) { packet, client throws(VirError) in
            try await reply(to: packet) { (args: Args) throws(VirError) in try await body(args, client) }
        }
    }

    /// Decodes the call's arguments, runs `body` and encodes its result as the reply.
    private static func reply<Args: XDRCodable, Ret: XDRCodable>(
        to packet: Packet, _ body: (Args) async throws(VirError) -> Ret
    ) async throws(VirError) -> Packet {
        let args = try packet.decode(Args.self)
        return Packet(header: packet.header.reply(), body: try await body(args))
    }
}
