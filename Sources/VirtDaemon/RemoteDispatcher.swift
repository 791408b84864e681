import VirtCore
import VirtError
import VirtRPC
import XDR

/// Answers one client's packets: the protocol's rules (programs, versions, the order of
/// open and calls, unknown procedures) here, the calls themselves in the `RemoteDispatcher+*`
/// files. One per client: it holds the connection the client opened.
actor RemoteDispatcher {
    private let readOnlySocket: Bool
    private let drivers: DriverRegistry
    private let defaultURI: String
    /// The client's connection, once CONNECT_OPEN succeeded.
    private(set) var connection: Connection?

    init(readOnlySocket: Bool, drivers: DriverRegistry, defaultURI: String) {
        self.readOnlySocket = readOnlySocket
        self.drivers = drivers
        self.defaultURI = defaultURI
    }

    /// The packets that answer `packet` (none for a PONG or a stray stream packet).
    func handle(_ packet: Packet) async -> [Packet] {
        let header = packet.header
        if header.program == .keepalive {
            guard header.procedure == KeepaliveProcedure.ping.rawValue else { return [] }
            return [Packet(header: PacketHeader(program: .keepalive, procedure: KeepaliveProcedure.pong.rawValue, type: .message, serial: 0))]
        }
        guard header.type == .call || header.type == .callWithFDs else { return [] }
        guard [.remote, .qemu, .lxc].contains(header.program), header.version == RPCProgram.version else {
            return [Self.errorReply(to: header, VirError(code: .rpc, domain: .rpc, message: "Cannot find program \(header.program) version \(header.version)"))]
        }
        do throws(VirError) {
            return [try await call(packet)]
        } catch {
            return [Self.errorReply(to: header, error)]
        }
    }

    /// Closes the client's connection (when it hangs up without CONNECT_CLOSE).
    func closeConnection() async {
        await connection?.close()
        connection = nil
    }

    /// The reply to a call, or the error that answers it.
    private func call(_ packet: Packet) async throws(VirError) -> Packet {
        let header = packet.header
        guard header.program == .remote, let procedure = RemoteProcedure(rawValue: header.procedure) else {
            throw Self.unknownProcedure(header.procedure)
        }
        if let reply = try await connectionCall(procedure, packet) { return reply }
        guard let connection else {
            throw VirError(code: .internalError, domain: .rpc, message: "internal error: hypervisor connection not open")
        }
        if let reply = try await domainCall(procedure, packet, on: connection) { return reply }
        if let reply = try await lifecycleCall(procedure, packet, on: connection) { return reply }
        if let reply = try await nodeCall(procedure, packet, on: connection) { return reply }
        throw Self.unknownProcedure(header.procedure)
    }

    /// The calls about the connection itself, allowed before CONNECT_OPEN where libvirtd
    /// allows them; nil for other procedures.
    private func connectionCall(_ procedure: RemoteProcedure, _ packet: Packet) async throws(VirError) -> Packet? {
        switch procedure {
        case .authList:
            return try await Self.reply(packet) { (_: XDRVoid) throws(VirError) in RemoteAuthListRet(types: [0]) }
        case .connectSupportsFeature:
            // No optional feature yet: clients then skip keepalive and close callbacks and
            // register events the legacy way, as they do with any server that says 0.
            return try await Self.reply(packet) { (_: RemoteConnectSupportsFeatureArgs) throws(VirError) in
                RemoteConnectSupportsFeatureRet(supported: 0)
            }
        case .connectOpen:
            let args = try packet.decode(RemoteConnectOpenArgs.self)
            guard connection == nil else {
                throw VirError(code: .internalError, domain: .rpc, message: "internal error: connection already open")
            }
            let readOnly = readOnlySocket || args.flags & 1 != 0
            let uri = args.name.flatMap { $0.isEmpty ? nil : $0 } ?? defaultURI
            connection = try await Connection.open(uri, readOnly: readOnly, drivers: drivers)
            return Packet(header: packet.header.reply())
        case .connectClose:
            await closeConnection()
            return Packet(header: packet.header.reply())
        default:
            return nil
        }
    }

    /// Decodes the call's arguments, runs `body` and encodes its result as the reply.
    static func reply<Args: XDRCodable, Ret: XDRCodable>(_ packet: Packet, _ body: (Args) async throws(VirError) -> Ret) async throws(VirError) -> Packet {
        let args = try packet.decode(Args.self)
        let result = try await body(args)
        return Packet(header: packet.header.reply(), body: result)
    }

    /// A reply carrying `error` (`remote_error`), echoing the call's header.
    static func errorReply(to header: PacketHeader, _ error: VirError) -> Packet {
        Packet(header: header.reply(status: .error), body: RemoteError(error))
    }

    /// libvirtd's answer to a procedure it does not have, on which clients fall back.
    static func unknownProcedure(_ number: Int32) -> VirError {
        var error = VirError(code: .rpc, domain: .rpc, message: "unknown procedure: \(number)")
        error.str1 = "%s"
        error.str2 = error.message
        return error
    }
}
