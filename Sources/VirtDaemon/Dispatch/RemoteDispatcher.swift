import Glibc
import VirtCore
import VirtError
import VirtRPC
import XDR

/// Answers a client's packets by the protocol's rules (programs, versions, the order of
/// open and calls, read-only refusals, unknown procedures); the calls themselves are in
/// ``ProcedureTable``.
enum RemoteDispatcher {
    /// The answer to a packet that is not a call, given at once: a PONG for a PING, what a
    /// stream packet brings about, nothing for anything else. Nil for a call, which
    /// ``answer(call:for:)`` answers.
    static func answerAtOnce(_ packet: Packet, for client: ClientState) -> [Packet]? {
        let header = packet.header
        if header.type == .call || header.type == .callWithFDs { return nil }
        for descriptor in packet.descriptors { close(descriptor) }
        if header.program == .keepalive {
            guard header.procedure == KeepaliveProcedure.ping.rawValue else { return [] }
            return [Packet(header: PacketHeader(program: .keepalive, procedure: KeepaliveProcedure.pong.rawValue, type: .message, serial: 0))]
        }
        if header.type == .stream || header.type == .streamHole { return client.streams.receive(packet) }
        return []
    }

    /// The reply to the call `packet`, or the error that answers it. A reply with
    /// descriptors owns them; the connection closes them once sent.
    static func answer(call packet: Packet, for client: ClientState) async -> Packet {
        let header = packet.header
        // Descriptors from the client are lent to the call (``ProcedureHandler/files(_:_:)``),
        // and closed once it is answered, whatever it did, so none is leaked.
        defer { for descriptor in packet.descriptors { close(descriptor) } }
        guard [.remote, .qemu, .lxc].contains(header.program), header.version == RPCProgram.version else {
            return errorReply(to: header, VirError(code: .rpc, domain: .rpc, message: "Cannot find program \(header.program) version \(header.version)"))
        }
        do throws(VirError) {
            return try await call(packet, for: client)
        } catch {
            return errorReply(to: header, error)
        }
    }

    /// The reply to a call, or the error that answers it.
    private static func call(_ packet: Packet, for client: ClientState) async throws(VirError) -> Packet {
        guard let handler = ProcedureTable.handler(program: packet.header.program, procedure: packet.header.procedure) else {
            throw unknownProcedure(packet.header.procedure)
        }
        if handler.needsConnection {
            let connection = try client.openConnection()
            if case .mutation(let api) = handler.access, connection.isReadOnly {
                throw VirError.readOnly(api)
            }
        }
        return try await handler.run(packet, client)
    }

    /// A reply carrying `error` (`remote_error`), echoing the call's header.
    private static func errorReply(to header: PacketHeader, _ error: VirError) -> Packet {
        Packet(header: header.reply(status: .error), body: RemoteError(error))
    }

    /// libvirtd's answer to a procedure it does not have, on which clients fall back.
    private static func unknownProcedure(_ number: Int32) -> VirError {
        var error = VirError(code: .rpc, domain: .rpc, message: "unknown procedure: \(number)")
        error.str1 = "%s"
        error.str2 = error.message
        return error
    }
}
