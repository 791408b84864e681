import VirtCore
import VirtError
import VirtRPC
import XDR

extension RemoteDriver {
    /// Corresponds to `virConnectGetType` (REMOTE_PROC_CONNECT_GET_TYPE).
    public func hypervisorType() async throws -> String {
        try await call(.connectGetType, returning: RemoteConnectGetTypeRet.self).type
    }

    /// Corresponds to `virConnectGetVersion`.
    public func hypervisorVersion() async throws -> UInt64 {
        try await call(.connectGetVersion, returning: RemoteConnectGetVersionRet.self).hvVer
    }

    /// Corresponds to `virConnectGetHostname`.
    public func hostname() async throws -> String {
        try await call(.connectGetHostname, returning: RemoteConnectGetHostnameRet.self).hostname
    }

    /// Corresponds to `virConnectGetCapabilities`.
    public func capabilities() async throws -> String {
        try await call(.connectGetCapabilities, returning: RemoteConnectGetCapabilitiesRet.self).capabilities
    }

    /// Corresponds to `virConnectGetSysinfo`.
    public func sysinfo() async throws -> String {
        try await call(.connectGetSysinfo, RemoteConnectGetSysinfoArgs(flags: 0), returning: RemoteConnectGetSysinfoRet.self).sysinfo
    }

    /// Corresponds to `virNodeGetInfo`.
    public func nodeInfo() async throws -> NodeInfo {
        let info = try await call(.nodeGetInfo, returning: RemoteNodeGetInfoRet.self)
        return NodeInfo(model: narrowChars(info.model), memory: info.memory, cpus: UInt32(max(0, info.cpus)), mhz: UInt32(max(0, info.mhz)),
                        nodes: UInt32(max(0, info.nodes)), sockets: UInt32(max(0, info.sockets)), cores: UInt32(max(0, info.cores)),
                        threads: UInt32(max(0, info.threads)))
    }

    /// Corresponds to `virNodeGetCPUMap`.
    public func nodeCPUMap() async throws -> (cpus: Int, online: CPUMap) {
        let map = try await call(.nodeGetCpuMap, RemoteNodeGetCpuMapArgs(needMap: 1, needOnline: 1, flags: 0), returning: RemoteNodeGetCpuMapRet.self)
        return (Int(map.ret), CPUMap(bytes: map.cpumap))
    }

    /// Corresponds to `virNodeGetSecurityModel`.
    public func securityModel() async throws -> SecurityModel {
        let model = try await call(.nodeGetSecurityModel, returning: RemoteNodeGetSecurityModelRet.self)
        return SecurityModel(model: narrowChars(model.model), doi: narrowChars(model.doi))
    }
}
