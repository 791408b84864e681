import VirtError

/// Connection- and host-level calls a driver answers. Every method has a default that
/// throws `VIR_ERR_NO_SUPPORT`, so a driver implements only what it can host.
public protocol NodeDriver: Sendable {
    /// `virConnectGetType`: the hypervisor name ("TEST", "LXC", "QEMU").
    func hypervisorType() async throws -> String
    /// `virConnectGetVersion`: major * 1,000,000 + minor * 1,000 + release.
    func hypervisorVersion() async throws -> UInt64
    /// `virConnectGetHostname`
    func hostname() async throws -> String
    /// `virConnectGetCapabilities`: the capabilities XML.
    func capabilities() async throws -> String
    /// `virConnectGetSysinfo`: the host's SMBIOS data as `<sysinfo>` XML.
    func sysinfo() async throws -> String
    /// `virNodeGetInfo`
    func nodeInfo() async throws -> NodeInfo
    /// `virNodeGetCPUMap`: the host CPUs that exist and are online.
    func nodeCPUMap() async throws -> (cpus: Int, online: CPUMap)
    /// `virNodeGetSecurityModel`
    func securityModel() async throws -> SecurityModel
    /// `virConnectClose`: releases what the driver holds for this connection.
    func close() async
    /// Whether calls reach the driver now (`virConnectIsAlive`).
    func connectionState() async -> ConnectionState
    /// The changes of ``connectionState()`` from now on (`virConnectRegisterCloseCallback`).
    func connectionStateChanges() async -> AsyncStream<ConnectionState>
    /// Whether a call may hold the thread it runs on (blocking system calls, waits on other
    /// processes) rather than suspend. A daemon runs such calls on worker threads, and the
    /// others on its event loop (libvirt's high-priority procedures are the same idea).
    var callsMayBlock: Bool { get }
}

extension NodeDriver {
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func hypervisorType() async throws -> String { throw VirError.noSupport("virConnectGetType") }
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func hypervisorVersion() async throws -> UInt64 { throw VirError.noSupport("virConnectGetVersion") }
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func hostname() async throws -> String { throw VirError.noSupport("virConnectGetHostname") }
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func capabilities() async throws -> String { throw VirError.noSupport("virConnectGetCapabilities") }
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func sysinfo() async throws -> String { throw VirError.noSupport("virConnectGetSysinfo") }
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func nodeInfo() async throws -> NodeInfo { throw VirError.noSupport("virNodeGetInfo") }
    /// Default: `VIR_ERR_NO_SUPPORT`.
    public func nodeCPUMap() async throws -> (cpus: Int, online: CPUMap) { throw VirError.noSupport("virNodeGetCPUMap") }
    /// Default: no security driver, as libvirt reports it (empty model and doi).
    public func securityModel() async throws -> SecurityModel { SecurityModel(model: "", doi: "") }
    /// Default: nothing to release.
    public func close() async {}
    /// Default: a driver in this process is always connected.
    public func connectionState() async -> ConnectionState { .connected }
    /// Default: calls may block.
    public var callsMayBlock: Bool { true }
    /// Default: a driver in this process never changes state; the stream ends at once.
    public func connectionStateChanges() async -> AsyncStream<ConnectionState> { AsyncStream { $0.finish() } }
}
