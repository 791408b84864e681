import VirtCore
import VirtError
import VirtRPC
import XDR

extension RemoteDispatcher {
    /// The calls about the host and the driver; nil for other procedures.
    func nodeCall(_ procedure: RemoteProcedure, _ packet: Packet, on connection: Connection) async throws(VirError) -> Packet? {
        switch procedure {
        case .connectGetType:
            return try await Self.reply(packet) { (_: XDRVoid) throws(VirError) in RemoteConnectGetTypeRet(type: try await connection.hypervisorType()) }
        case .connectGetVersion:
            return try await Self.reply(packet) { (_: XDRVoid) throws(VirError) in RemoteConnectGetVersionRet(hvVer: try await connection.hypervisorVersion()) }
        case .connectGetLibVersion:
            return try await Self.reply(packet) { (_: XDRVoid) throws(VirError) in RemoteConnectGetLibVersionRet(libVer: try await connection.libraryVersion()) }
        case .connectGetHostname:
            return try await Self.reply(packet) { (_: XDRVoid) throws(VirError) in RemoteConnectGetHostnameRet(hostname: try await connection.hostname()) }
        case .connectGetUri:
            return try await Self.reply(packet) { (_: XDRVoid) throws(VirError) in RemoteConnectGetUriRet(uri: try await connection.uriString()) }
        case .connectGetCapabilities:
            return try await Self.reply(packet) { (_: XDRVoid) throws(VirError) in
                RemoteConnectGetCapabilitiesRet(capabilities: try await connection.capabilities())
            }
        case .nodeGetInfo:
            return try await Self.reply(packet) { (_: XDRVoid) throws(VirError) in
                let info = try await connection.nodeInfo()
                var model = info.model.utf8.prefix(31).map { Int32(Int8(bitPattern: $0)) }
                model += [Int32](repeating: 0, count: 32 - model.count)
                return RemoteNodeGetInfoRet(model: model, memory: info.memory, cpus: Int32(info.cpus), mhz: Int32(info.mhz),
                                            nodes: Int32(info.nodes), sockets: Int32(info.sockets), cores: Int32(info.cores), threads: Int32(info.threads))
            }
        case .nodeGetSecurityModel:
            return try await Self.reply(packet) { (_: XDRVoid) throws(VirError) in
                let model = try await connection.securityModel()
                return RemoteNodeGetSecurityModelRet(model: Self.wideChars(model.model), doi: Self.wideChars(model.doi))
            }
        default:
            return nil
        }
    }
}
