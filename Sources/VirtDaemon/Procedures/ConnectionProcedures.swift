import VirtCore
import VirtError
import VirtRPC
import XDR

/// The calls about the session and the host: authentication, features, open and close,
/// and the node queries virsh's `version`, `nodeinfo`, `hostname` and `capabilities` make.
enum ConnectionProcedures {
    /// `VIR_DRV_FEATURE_PROGRAM_KEEPALIVE`: asked before CONNECT_OPEN; asking starts pings.
    static let keepaliveFeature: Int32 = 10
    /// The other `virDrvFeature` numbers virtd answers 1 to, once a connection is open:
    /// FD_PASSING (8), TYPED_PARAM_STRING (9), REMOTE_EVENT_CALLBACK (14) and
    /// REMOTE_CLOSE_CALLBACK (15). Migration features stay 0.
    static let supportedFeatures: Set<Int32> = [8, 9, 14, 15]

    static let handlers: [RemoteProcedure: ProcedureHandler] = [
        .authList: .session(needsConnection: false) { (_: XDRVoid, _) throws(VirError) in
            RemoteAuthListRet(types: [0])  // REMOTE_AUTH_NONE: the socket's mode is the access control
        },
        .connectSupportsFeature: .session(needsConnection: false) { (args: RemoteConnectSupportsFeatureArgs, client) throws(VirError) in
            if args.feature == keepaliveFeature {
                client.withFlags { $0.keepalive = true }
                return RemoteConnectSupportsFeatureRet(supported: 1)
            }
            _ = try client.openConnection()
            return RemoteConnectSupportsFeatureRet(supported: supportedFeatures.contains(args.feature) ? 1 : 0)
        },
        .connectRegisterCloseCallback: .session { (_: XDRVoid, client) throws(VirError) in
            try setCloseCallback(true, for: client, refusal: "A close callback is already registered")
        },
        .connectUnregisterCloseCallback: .session { (_: XDRVoid, client) throws(VirError) in
            try setCloseCallback(false, for: client, refusal: "A different callback was requested")
        },
        .connectOpen: .session(needsConnection: false) { (args: RemoteConnectOpenArgs, client) throws(VirError) in
            try await client.open(uri: args.name, readOnly: args.flags & 1 != 0)
            return XDRVoid()
        },
        .connectClose: .session(needsConnection: false) { (_: XDRVoid, client) throws(VirError) in
            await client.close()
            return XDRVoid()
        },
        .connectGetType: .query { (_: XDRVoid, connection) throws(VirError) in
            RemoteConnectGetTypeRet(type: try await connection.hypervisorType())
        },
        .connectGetVersion: .query { (_: XDRVoid, connection) throws(VirError) in
            RemoteConnectGetVersionRet(hvVer: try await connection.hypervisorVersion())
        },
        .connectGetLibVersion: .query { (_: XDRVoid, connection) throws(VirError) in
            RemoteConnectGetLibVersionRet(libVer: try await connection.libraryVersion())
        },
        .connectGetHostname: .query { (_: XDRVoid, connection) throws(VirError) in
            RemoteConnectGetHostnameRet(hostname: try await connection.hostname())
        },
        .connectGetUri: .query { (_: XDRVoid, connection) throws(VirError) in
            RemoteConnectGetUriRet(uri: try await connection.uriString())
        },
        .connectGetCapabilities: .query { (_: XDRVoid, connection) throws(VirError) in
            RemoteConnectGetCapabilitiesRet(capabilities: try await connection.capabilities())
        },
        .connectGetSysinfo: .query { (args: RemoteConnectGetSysinfoArgs, connection) throws(VirError) in
            try NoFlags(rawValue: args.flags).checkKnown(function: "virConnectGetSysinfo")
            return RemoteConnectGetSysinfoRet(sysinfo: try await connection.sysinfo())
        },
        .nodeGetInfo: .query { (_: XDRVoid, connection) throws(VirError) in
            let info = try await connection.nodeInfo()
            var model = info.model.utf8.prefix(31).map { Int32(Int8(bitPattern: $0)) }
            model += [Int32](repeating: 0, count: 32 - model.count)
            return RemoteNodeGetInfoRet(model: model, memory: info.memory, cpus: Int32(info.cpus), mhz: Int32(info.mhz),
                                        nodes: Int32(info.nodes), sockets: Int32(info.sockets), cores: Int32(info.cores), threads: Int32(info.threads))
        },
        .nodeGetCpuMap: .query { (args: RemoteNodeGetCpuMapArgs, connection) throws(VirError) in
            try NoFlags(rawValue: args.flags).checkKnown(function: "virNodeGetCPUMap")
            let (cpus, online) = try await connection.nodeCPUMap()
            let onlineCount = (0..<cpus).filter(online.isUsable).count
            return RemoteNodeGetCpuMapRet(cpumap: args.needMap != 0 ? online.bytes : [],
                                          online: args.needOnline != 0 ? UInt32(onlineCount) : 0, ret: Int32(cpus))
        },
        .nodeGetSecurityModel: .query { (_: XDRVoid, connection) throws(VirError) in
            let model = try await connection.securityModel()
            return RemoteNodeGetSecurityModelRet(model: wideChars(model.model), doi: wideChars(model.doi))
        },
    ]

    /// 360/361: registers or unregisters the client's close callback; registering twice,
    /// or unregistering none, is refused with libvirt's `refusal`.
    private static func setCloseCallback(_ registered: Bool, for client: ClientState, refusal: String) throws(VirError) -> XDRVoid {
        let was = client.withFlags { flags in
            defer { flags.closeCallback = registered }
            return flags.closeCallback
        }
        guard was != registered else { throw VirError(.operationInvalid, refusal, domain: .none) }
        return XDRVoid()
    }
}
