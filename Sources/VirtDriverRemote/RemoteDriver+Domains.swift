import Glibc
import VirtCore
import VirtError
import VirtRPC
import XDR

extension RemoteDriver {
    /// Corresponds to `virConnectListAllDomains`.
    public func listAllDomains(flags: ListDomainsFlags) async throws -> [DomainIdentity] {
        let arguments = RemoteConnectListAllDomainsArgs(needResults: 1, flags: signedFlags(flags.rawValue))
        return try await call(.connectListAllDomains, arguments, returning: RemoteConnectListAllDomainsRet.self).domains.map(DomainIdentity.init)
    }

    /// Corresponds to `virDomainLookupByID`, `…ByName` and `…ByUUID`.
    public func lookupDomain(_ key: DomainLookupKey) async throws -> DomainIdentity {
        let found = switch key {
        case .id(let id): try await call(.domainLookupById, RemoteDomainLookupByIdArgs(id: id), returning: RemoteDomainLookupByIdRet.self).dom
        case .name(let name): try await call(.domainLookupByName, RemoteDomainLookupByNameArgs(name: name), returning: RemoteDomainLookupByNameRet.self).dom
        case .uuid(let uuid): try await call(.domainLookupByUuid, RemoteDomainLookupByUuidArgs(uuid: uuid.bytes), returning: RemoteDomainLookupByUuidRet.self).dom
        }
        return DomainIdentity(found)
    }

    /// Corresponds to `virDomainCreateXML`.
    public func createDomain(xml: String, flags: CreateFlags) async throws -> DomainIdentity {
        let arguments = RemoteDomainCreateXmlArgs(xmlDesc: xml, flags: signedFlags(flags.rawValue))
        return DomainIdentity(try await call(.domainCreateXml, arguments, returning: RemoteDomainCreateXmlRet.self).dom)
    }

    /// Corresponds to `virDomainDefineXMLFlags`.
    public func defineDomain(xml: String, flags: DefineFlags) async throws -> DomainIdentity {
        let arguments = RemoteDomainDefineXmlFlagsArgs(xml: xml, flags: signedFlags(flags.rawValue))
        return DomainIdentity(try await call(.domainDefineXmlFlags, arguments, returning: RemoteDomainDefineXmlFlagsRet.self).dom)
    }

    /// Corresponds to `virDomainUndefineFlags`.
    public func undefine(_ domain: DomainIdentity, flags: UndefineFlags) async throws {
        try await perform(.domainUndefineFlags, RemoteDomainUndefineFlagsArgs(dom: RemoteNonnullDomain(domain), flags: signedFlags(flags.rawValue)))
    }

    /// Corresponds to `virDomainCreateWithFlags`.
    public func start(_ domain: DomainIdentity, flags: CreateFlags) async throws -> DomainIdentity {
        let arguments = RemoteDomainCreateWithFlagsArgs(dom: RemoteNonnullDomain(domain), flags: flags.rawValue)
        return DomainIdentity(try await call(.domainCreateWithFlags, arguments, returning: RemoteDomainCreateWithFlagsRet.self).dom)
    }

    /// Corresponds to `virDomainDestroyFlags`.
    public func destroy(_ domain: DomainIdentity, flags: DestroyFlags) async throws {
        try await perform(.domainDestroyFlags, RemoteDomainDestroyFlagsArgs(dom: RemoteNonnullDomain(domain), flags: signedFlags(flags.rawValue)))
    }

    /// Corresponds to `virDomainSuspend`.
    public func suspend(_ domain: DomainIdentity) async throws {
        try await perform(.domainSuspend, RemoteDomainSuspendArgs(dom: RemoteNonnullDomain(domain)))
    }

    /// Corresponds to `virDomainResume`.
    public func resume(_ domain: DomainIdentity) async throws {
        try await perform(.domainResume, RemoteDomainResumeArgs(dom: RemoteNonnullDomain(domain)))
    }

    /// Corresponds to `virDomainShutdownFlags`.
    public func shutdown(_ domain: DomainIdentity, flags: ShutdownFlags) async throws {
        try await perform(.domainShutdownFlags, RemoteDomainShutdownFlagsArgs(dom: RemoteNonnullDomain(domain), flags: signedFlags(flags.rawValue)))
    }

    /// Corresponds to `virDomainReboot`.
    public func reboot(_ domain: DomainIdentity, flags: RebootFlags) async throws {
        try await perform(.domainReboot, RemoteDomainRebootArgs(dom: RemoteNonnullDomain(domain), flags: signedFlags(flags.rawValue)))
    }

    /// Corresponds to `virDomainReset`.
    public func reset(_ domain: DomainIdentity) async throws {
        try await perform(.domainReset, RemoteDomainResetArgs(dom: RemoteNonnullDomain(domain), flags: 0))
    }

    /// Corresponds to `virDomainSaveFlags`.
    public func save(_ domain: DomainIdentity, to path: String, xml: String?, flags: SaveRestoreFlags) async throws {
        try await perform(.domainSaveFlags, RemoteDomainSaveFlagsArgs(dom: RemoteNonnullDomain(domain), to: path, dxml: xml, flags: flags.rawValue))
    }

    /// Corresponds to `virDomainRestoreFlags`.
    public func restore(from path: String, xml: String?, flags: SaveRestoreFlags) async throws {
        try await perform(.domainRestoreFlags, RemoteDomainRestoreFlagsArgs(from: path, dxml: xml, flags: flags.rawValue))
    }

    /// Corresponds to `virDomainSaveImageGetXMLDesc`.
    public func saveImageXML(path: String, flags: DomainXMLFlags) async throws -> String {
        try await call(.domainSaveImageGetXmlDesc, RemoteDomainSaveImageGetXmlDescArgs(file: path, flags: flags.rawValue), returning: RemoteDomainSaveImageGetXmlDescRet.self).xml
    }

    /// Corresponds to `virDomainCoreDump`.
    public func coreDump(_ domain: DomainIdentity, to path: String, flags: DumpFlags) async throws {
        try await perform(.domainCoreDump, RemoteDomainCoreDumpArgs(dom: RemoteNonnullDomain(domain), to: path, flags: signedFlags(flags.rawValue)))
    }

    /// Corresponds to `virDomainGetJobInfo`.
    public func jobInfo(_ domain: DomainIdentity) async throws -> DomainJobInfo {
        let job = try await call(.domainGetJobInfo, RemoteDomainGetJobInfoArgs(dom: RemoteNonnullDomain(domain)), returning: RemoteDomainGetJobInfoRet.self)
        var info = DomainJobInfo(elapsed: job.timeElapsed, memoryProcessed: job.memProcessed, memoryRemaining: job.memRemaining, memoryTotal: job.memTotal)
        info.type = DomainJobInfo.JobType(rawValue: job.type) ?? .unbounded
        (info.dataTotal, info.dataProcessed, info.dataRemaining) = (job.dataTotal, job.dataProcessed, job.dataRemaining)
        return info
    }

    /// Corresponds to `virDomainGetInfo`.
    public func info(_ domain: DomainIdentity) async throws -> DomainInfo {
        let info = try await call(.domainGetInfo, RemoteDomainGetInfoArgs(dom: RemoteNonnullDomain(domain)), returning: RemoteDomainGetInfoRet.self)
        return DomainInfo(state: try Self.state(info.state), maxMemory: info.maxMem, memory: info.memory,
                          virtualCPUs: UInt16(clamping: info.nrVirtCPU), cpuTime: info.cpuTime)
    }

    /// Corresponds to `virDomainGetState`.
    public func state(_ domain: DomainIdentity) async throws -> (state: DomainState, reason: DomainStateReason) {
        let state = try await call(.domainGetState, RemoteDomainGetStateArgs(dom: RemoteNonnullDomain(domain), flags: 0),
                                   returning: RemoteDomainGetStateRet.self)
        return (try Self.state(state.state), DomainStateReason(rawValue: state.reason))
    }

    /// Corresponds to `virDomainGetMaxMemory`.
    public func maxMemory(_ domain: DomainIdentity) async throws -> UInt64 {
        try await call(.domainGetMaxMemory, RemoteDomainGetMaxMemoryArgs(dom: RemoteNonnullDomain(domain)), returning: RemoteDomainGetMaxMemoryRet.self).memory
    }

    /// Corresponds to `virDomainSetMaxMemory`.
    public func setMaxMemory(_ domain: DomainIdentity, kib: UInt64) async throws {
        try await perform(.domainSetMaxMemory, RemoteDomainSetMaxMemoryArgs(dom: RemoteNonnullDomain(domain), memory: kib))
    }

    /// Corresponds to `virDomainSetMemoryFlags`.
    public func setMemory(_ domain: DomainIdentity, kib: UInt64, flags: MemoryFlags) async throws {
        try await perform(.domainSetMemoryFlags, RemoteDomainSetMemoryFlagsArgs(dom: RemoteNonnullDomain(domain), memory: kib, flags: flags.rawValue))
    }

    /// Corresponds to `virDomainSetVcpusFlags`.
    public func setVcpus(_ domain: DomainIdentity, count: UInt32, flags: VcpuFlags) async throws {
        try await perform(.domainSetVcpusFlags, RemoteDomainSetVcpusFlagsArgs(dom: RemoteNonnullDomain(domain), nvcpus: count, flags: flags.rawValue))
    }

    /// Corresponds to `virDomainGetVcpusFlags`.
    public func vcpuCount(_ domain: DomainIdentity, flags: VcpuFlags) async throws -> UInt32 {
        let count = try await call(.domainGetVcpusFlags, RemoteDomainGetVcpusFlagsArgs(dom: RemoteNonnullDomain(domain), flags: flags.rawValue),
                                   returning: RemoteDomainGetVcpusFlagsRet.self).num
        return UInt32(max(0, count))
    }

    /// Corresponds to `virDomainGetVcpus`, sized as virsh sizes it: one entry per vCPU, one
    /// map byte per 8 host CPUs.
    public func vcpus(_ domain: DomainIdentity) async throws -> [VcpuInfo] {
        let count = try await info(domain).virtualCPUs
        let mapLength = try await (nodeCPUMap().cpus + 7) / 8
        let arguments = RemoteDomainGetVcpusArgs(dom: RemoteNonnullDomain(domain), maxinfo: Int32(count), maplen: Int32(mapLength))
        let reply = try await call(.domainGetVcpus, arguments, returning: RemoteDomainGetVcpusRet.self)
        let maps = Self.rows(reply.cpumaps, length: mapLength)
        return reply.info.enumerated().map { index, vcpu in
            VcpuInfo(number: vcpu.number, state: VcpuState(rawValue: vcpu.state) ?? .offline, cpuTime: vcpu.cpuTime, cpu: vcpu.cpu,
                     affinity: index < maps.count ? maps[index] : CPUMap(bytes: []))
        }
    }

    /// Corresponds to `virDomainPinVcpuFlags`.
    public func pinVcpu(_ domain: DomainIdentity, vcpu: UInt32, cpumap: CPUMap, flags: ModificationImpact) async throws {
        let arguments = RemoteDomainPinVcpuFlagsArgs(dom: RemoteNonnullDomain(domain), vcpu: vcpu, cpumap: cpumap.bytes, flags: flags.rawValue)
        try await perform(.domainPinVcpuFlags, arguments)
    }

    /// Corresponds to `virDomainGetVcpuPinInfo`, sized as virsh sizes it.
    public func vcpuPinInfo(_ domain: DomainIdentity, flags: ModificationImpact) async throws -> [CPUMap] {
        let count = try await vcpuCount(domain, flags: VcpuFlags(rawValue: flags.rawValue | VcpuFlags.maximum.rawValue))
        let mapLength = try await (nodeCPUMap().cpus + 7) / 8
        let arguments = RemoteDomainGetVcpuPinInfoArgs(dom: RemoteNonnullDomain(domain), ncpumaps: Int32(count), maplen: Int32(mapLength),
                                                       flags: flags.rawValue)
        let reply = try await call(.domainGetVcpuPinInfo, arguments, returning: RemoteDomainGetVcpuPinInfoRet.self)
        return Array(Self.rows(reply.cpumaps, length: mapLength).prefix(Int(max(0, reply.num))))
    }

    /// Corresponds to `virDomainGetXMLDesc`.
    public func xmlDescription(_ domain: DomainIdentity, flags: DomainXMLFlags) async throws -> String {
        let arguments = RemoteDomainGetXmlDescArgs(dom: RemoteNonnullDomain(domain), flags: signedFlags(flags.rawValue))
        return try await call(.domainGetXmlDesc, arguments, returning: RemoteDomainGetXmlDescRet.self).xml
    }

    /// Corresponds to `virDomainGetOSType`.
    public func osType(_ domain: DomainIdentity) async throws -> String {
        try await call(.domainGetOsType, RemoteDomainGetOsTypeArgs(dom: RemoteNonnullDomain(domain)), returning: RemoteDomainGetOsTypeRet.self).type
    }

    /// Corresponds to `virDomainGetAutostart`.
    public func autostart(_ domain: DomainIdentity) async throws -> Bool {
        try await call(.domainGetAutostart, RemoteDomainGetAutostartArgs(dom: RemoteNonnullDomain(domain)),
                       returning: RemoteDomainGetAutostartRet.self).autostart != 0
    }

    /// Corresponds to `virDomainSetAutostart`.
    public func setAutostart(_ domain: DomainIdentity, _ enabled: Bool) async throws {
        try await perform(.domainSetAutostart, RemoteDomainSetAutostartArgs(dom: RemoteNonnullDomain(domain), autostart: enabled ? 1 : 0))
    }

    /// Corresponds to `virDomainIsActive`.
    public func isActive(_ domain: DomainIdentity) async throws -> Bool {
        try await call(.domainIsActive, RemoteDomainIsActiveArgs(dom: RemoteNonnullDomain(domain)), returning: RemoteDomainIsActiveRet.self).active != 0
    }

    /// Corresponds to `virDomainIsPersistent`.
    public func isPersistent(_ domain: DomainIdentity) async throws -> Bool {
        try await call(.domainIsPersistent, RemoteDomainIsPersistentArgs(dom: RemoteNonnullDomain(domain)),
                       returning: RemoteDomainIsPersistentRet.self).persistent != 0
    }

    /// Corresponds to `virDomainHasManagedSaveImage`.
    public func hasManagedSaveImage(_ domain: DomainIdentity) async throws -> Bool {
        try await call(.domainHasManagedSaveImage, RemoteDomainHasManagedSaveImageArgs(dom: RemoteNonnullDomain(domain), flags: 0),
                       returning: RemoteDomainHasManagedSaveImageRet.self).result != 0
    }

    /// Corresponds to `virDomainGetMessages`.
    public func messages(_ domain: DomainIdentity, flags: DomainMessageFlags) async throws -> [String] {
        try await call(.domainGetMessages, RemoteDomainGetMessagesArgs(dom: RemoteNonnullDomain(domain), flags: flags.rawValue),
                       returning: RemoteDomainGetMessagesRet.self).msgs
    }

    /// Corresponds to `virDomainGetSecurityLabel`.
    public func securityLabel(_ domain: DomainIdentity) async throws -> DomainSecurityLabel {
        let label = try await call(.domainGetSecurityLabel, RemoteDomainGetSecurityLabelArgs(dom: RemoteNonnullDomain(domain)),
                                   returning: RemoteDomainGetSecurityLabelRet.self)
        return DomainSecurityLabel(label: narrowChars(label.label), enforcing: label.enforcing != 0)
    }

    /// Corresponds to `virDomainOpenConsole` (REMOTE_PROC_DOMAIN_OPEN_CONSOLE): the console's
    /// stream, as a socket of the caller's; closing it ends the session.
    public func openConsole(_ domain: DomainIdentity, device: String?, flags: ConsoleFlags) async throws -> Int32 {
        let stream = try RemoteStream()
        let client = try await client()
        let arguments = RemoteDomainOpenConsoleArgs(dom: RemoteNonnullDomain(domain), devName: device, flags: flags.rawValue)
        do throws(VirError) {
            _ = try await client.call(.remote, RemoteProcedure.domainOpenConsole.rawValue, arguments, deadline: CallDeadline.current, stream: stream)
        } catch {
            stream.discard()
            throw error
        }
        stream.start { packet throws(VirError) in try client.send(packet) }
        return stream.descriptor
    }

    /// Corresponds to `virDomainLxcOpenNamespace` (the LXC program's DOMAIN_OPEN_NAMESPACE):
    /// the descriptors come back with the reply.
    public func lxcOpenNamespace(_ domain: DomainIdentity, flags: LxcFlags) async throws -> [Int32] {
        let arguments = LxcDomainOpenNamespaceArgs(dom: RemoteNonnullDomain(domain), flags: flags.rawValue)
        return try await packet(.lxc, LXCProcedure.domainOpenNamespace.rawValue, arguments).descriptors
    }

    /// Corresponds to `virDomainQemuMonitorCommand` (the QEMU program's DOMAIN_MONITOR_COMMAND).
    public func qemuMonitorCommand(_ domain: DomainIdentity, command: String, flags: QemuMonitorCommandFlags) async throws -> String {
        let arguments = QemuDomainMonitorCommandArgs(dom: RemoteNonnullDomain(domain), cmd: command, flags: flags.rawValue)
        return try await packet(.qemu, QEMUProcedure.domainMonitorCommand.rawValue, arguments).decode(QemuDomainMonitorCommandRet.self).result
    }

    /// Corresponds to `virDomainQemuMonitorCommandWithFiles` (the QEMU program's
    /// DOMAIN_MONITOR_COMMAND_WITH_FILES). As libvirt's client does, it first asks whether
    /// the daemon takes descriptors (`VIR_DRV_FEATURE_FD_PASSING`) when there are any.
    public func qemuMonitorCommandWithFiles(_ domain: DomainIdentity, command: String, files: [Int32], flags: QemuMonitorCommandFlags) async throws
        -> QemuMonitorCommandResult {
        if !files.isEmpty {
            let feature = RemoteConnectSupportsFeatureArgs(feature: Self.fdPassingFeature)
            guard try await call(.connectSupportsFeature, feature, returning: RemoteConnectSupportsFeatureRet.self).supported != 0 else {
                throw VirError(.argumentUnsupported, "fd passing is not supported by this connection", domain: .domain)
            }
        }
        let arguments = QemuDomainMonitorCommandWithFilesArgs(dom: RemoteNonnullDomain(domain), cmd: command, flags: flags.rawValue)
        let reply = try await packet(.qemu, QEMUProcedure.domainMonitorCommandWithFiles.rawValue, arguments, descriptors: files)
        do throws(VirError) {
            return QemuMonitorCommandResult(result: try reply.decode(QemuDomainMonitorCommandWithFilesRet.self).result, files: reply.descriptors)
        } catch {
            for descriptor in reply.descriptors { Glibc.close(descriptor) }
            throw error
        }
    }

    /// `VIR_DRV_FEATURE_FD_PASSING`.
    private static let fdPassingFeature: Int32 = 8

    /// Corresponds to `virDomainQemuAgentCommand` (the QEMU program's DOMAIN_AGENT_COMMAND).
    public func qemuAgentCommand(_ domain: DomainIdentity, command: String, timeout: Int32, flags: UInt32) async throws -> String? {
        let arguments = QemuDomainAgentCommandArgs(dom: RemoteNonnullDomain(domain), cmd: command, timeout: timeout, flags: flags)
        return try await packet(.qemu, QEMUProcedure.domainAgentCommand.rawValue, arguments).decode(QemuDomainAgentCommandRet.self).result
    }

    /// A domain state number from the daemon.
    private static func state(_ number: Int32) throws(VirError) -> DomainState {
        guard let state = DomainState(rawValue: number) else {
            throw VirError(code: .rpc, domain: .remote, message: "the daemon reported unknown domain state \(number)")
        }
        return state
    }

    /// `bytes` cut into maps of `length` bytes each.
    private static func rows(_ bytes: [UInt8], length: Int) -> [CPUMap] {
        guard length > 0 else { return [] }
        return stride(from: 0, to: bytes.count - length + 1, by: length).map { CPUMap(bytes: Array(bytes[$0..<($0 + length)])) }
    }
}
