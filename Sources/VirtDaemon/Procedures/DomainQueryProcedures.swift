import VirtCore
import VirtError
import VirtRPC
import XDR

/// The calls that find domains and read their state: what `list`, `dominfo`, `domstate`,
/// `dumpxml` and `vcpuinfo` make, and the older list calls clients fall back to.
enum DomainQueryProcedures {
    /// `REMOTE_DOMAIN_LIST_MAX`, `REMOTE_VCPUINFO_MAX` and `REMOTE_CPUMAPS_MAX`: the most
    /// a reply may carry, checked before the call as libvirtd checks them.
    static let listMaximum: Int32 = 16384, vcpuInfoMaximum: Int32 = 16384, cpuMapsMaximum: Int64 = 8_388_608

    static let handlers: [RemoteProcedure: ProcedureHandler] = [
        .connectListAllDomains: .query { (args: RemoteConnectListAllDomainsArgs, connection) throws(VirError) in
            let domains = try await connection.listAllDomains(flags: ListDomainsFlags(rawValue: unsignedFlags(args.flags)))
            return RemoteConnectListAllDomainsRet(domains: args.needResults != 0 ? domains.map(RemoteNonnullDomain.init) : [],
                                                  ret: UInt32(domains.count))
        },
        .connectNumOfDomains: .query { (_: XDRVoid, connection) throws(VirError) in
            RemoteConnectNumOfDomainsRet(num: Int32(try await connection.numberOfDomains()))
        },
        .connectListDomains: .query { (args: RemoteConnectListDomainsArgs, connection) throws(VirError) in
            guard args.maxids <= listMaximum else { throw VirError.rpcLimit("maxids > REMOTE_DOMAIN_LIST_MAX") }
            return RemoteConnectListDomainsRet(ids: try await connection.listDomainIDs(maxIDs: Int(max(args.maxids, 0))))
        },
        .connectNumOfDefinedDomains: .query { (_: XDRVoid, connection) throws(VirError) in
            RemoteConnectNumOfDefinedDomainsRet(num: Int32(try await connection.numberOfDefinedDomains()))
        },
        .connectListDefinedDomains: .query { (args: RemoteConnectListDefinedDomainsArgs, connection) throws(VirError) in
            guard args.maxnames <= listMaximum else { throw VirError.rpcLimit("maxnames > REMOTE_DOMAIN_LIST_MAX") }
            return RemoteConnectListDefinedDomainsRet(names: try await connection.listDefinedDomainNames(maxNames: Int(max(args.maxnames, 0))))
        },
        .domainLookupByName: .query { (args: RemoteDomainLookupByNameArgs, connection) throws(VirError) in
            RemoteDomainLookupByNameRet(dom: RemoteNonnullDomain(try await connection.lookupDomain(name: args.name)))
        },
        .domainLookupByUuid: .query { (args: RemoteDomainLookupByUuidArgs, connection) throws(VirError) in
            RemoteDomainLookupByUuidRet(dom: RemoteNonnullDomain(try await connection.lookupDomain(uuidBytes: args.uuid)))
        },
        .domainLookupById: .query { (args: RemoteDomainLookupByIdArgs, connection) throws(VirError) in
            RemoteDomainLookupByIdRet(dom: RemoteNonnullDomain(try await connection.lookupDomain(id: args.id)))
        },
        .domainGetState: .query { (args: RemoteDomainGetStateArgs, connection) throws(VirError) in
            let (state, reason) = try await connection.domain(args.dom).state()
            return RemoteDomainGetStateRet(state: state.rawValue, reason: reason.rawValue)
        },
        .domainGetInfo: .query { (args: RemoteDomainGetInfoArgs, connection) throws(VirError) in
            let info = try await connection.domain(args.dom).info()
            return RemoteDomainGetInfoRet(state: info.state.rawValue, maxMem: info.maxMemory, memory: info.memory,
                                          nrVirtCPU: Int32(info.virtualCPUs), cpuTime: info.cpuTime)
        },
        .domainGetJobInfo: .query { (args: RemoteDomainGetJobInfoArgs, connection) throws(VirError) in
            let job = try await connection.domain(args.dom).jobInfo()
            return RemoteDomainGetJobInfoRet(type: job.type.rawValue, timeElapsed: job.timeElapsed, timeRemaining: 0,
                                             dataTotal: job.dataTotal, dataProcessed: job.dataProcessed, dataRemaining: job.dataRemaining,
                                             memTotal: job.memoryTotal, memProcessed: job.memoryProcessed, memRemaining: job.memoryRemaining,
                                             fileTotal: 0, fileProcessed: 0, fileRemaining: 0)
        },
        .domainGetXmlDesc: .query { (args: RemoteDomainGetXmlDescArgs, connection) throws(VirError) in
            let flags = DomainXMLFlags(rawValue: unsignedFlags(args.flags))
            return RemoteDomainGetXmlDescRet(xml: try await connection.domain(args.dom).xmlDescription(flags: flags))
        },
        .domainGetOsType: .query { (args: RemoteDomainGetOsTypeArgs, connection) throws(VirError) in
            RemoteDomainGetOsTypeRet(type: try await connection.domain(args.dom).osType())
        },
        .domainIsActive: .query { (args: RemoteDomainIsActiveArgs, connection) throws(VirError) in
            RemoteDomainIsActiveRet(active: try await connection.domain(args.dom).isActive() ? 1 : 0)
        },
        .domainIsPersistent: .query { (args: RemoteDomainIsPersistentArgs, connection) throws(VirError) in
            RemoteDomainIsPersistentRet(persistent: try await connection.domain(args.dom).isPersistent() ? 1 : 0)
        },
        .domainGetAutostart: .query { (args: RemoteDomainGetAutostartArgs, connection) throws(VirError) in
            RemoteDomainGetAutostartRet(autostart: try await connection.domain(args.dom).autostart() ? 1 : 0)
        },
        .domainHasManagedSaveImage: .query { (args: RemoteDomainHasManagedSaveImageArgs, connection) throws(VirError) in
            try NoFlags(rawValue: args.flags).checkKnown(function: "virDomainHasManagedSaveImage")
            return RemoteDomainHasManagedSaveImageRet(result: try await connection.domain(args.dom).hasManagedSaveImage() ? 1 : 0)
        },
        .domainGetSecurityLabel: .query { (args: RemoteDomainGetSecurityLabelArgs, connection) throws(VirError) in
            let label = try await connection.domain(args.dom).securityLabel()
            return RemoteDomainGetSecurityLabelRet(label: wideChars(label.label), enforcing: label.enforcing ? 1 : 0)
        },
        .domainGetMessages: .query { (args: RemoteDomainGetMessagesArgs, connection) throws(VirError) in
            RemoteDomainGetMessagesRet(msgs: try await connection.domain(args.dom).messages(flags: DomainMessageFlags(rawValue: args.flags)))
        },
        .domainGetMaxMemory: .query { (args: RemoteDomainGetMaxMemoryArgs, connection) throws(VirError) in
            RemoteDomainGetMaxMemoryRet(memory: try await connection.domain(args.dom).maxMemory())
        },
        .domainGetVcpusFlags: .query { (args: RemoteDomainGetVcpusFlagsArgs, connection) throws(VirError) in
            let count = try await connection.domain(args.dom).vcpuCount(flags: VcpuFlags(rawValue: args.flags))
            return RemoteDomainGetVcpusFlagsRet(num: Int32(count))
        },
        .domainGetVcpus: .query { (args: RemoteDomainGetVcpusArgs, connection) throws(VirError) in
            try checkCPUMaps(count: args.maxinfo, length: args.maplen, countName: "maxinfo")
            let vcpus = try await connection.domain(args.dom).vcpus(maxInfo: Int(args.maxinfo), mapLength: args.maplen > 0 ? Int(args.maplen) : nil)
            let info = vcpus.map { RemoteVcpuInfo(number: $0.number, state: $0.state.rawValue, cpuTime: $0.cpuTime, cpu: $0.cpu) }
            return RemoteDomainGetVcpusRet(info: info, cpumaps: paddedMaps(vcpus.map(\.affinity), count: args.maxinfo, length: args.maplen))
        },
        .domainGetVcpuPinInfo: .query { (args: RemoteDomainGetVcpuPinInfoArgs, connection) throws(VirError) in
            try checkCPUMaps(count: args.ncpumaps, length: args.maplen, countName: "ncpumaps")
            for (name, value) in [("ncpumaps", args.ncpumaps), ("maplen", args.maplen)] where value <= 0 {
                throw VirError.invalidArg("\(name) in virDomainGetVcpuPinInfo must be greater than zero")
            }
            let maps = try await connection.domain(args.dom).vcpuPinInfo(flags: ModificationImpact(rawValue: args.flags))
            let returned = maps.prefix(Int(args.ncpumaps))
            return RemoteDomainGetVcpuPinInfoRet(cpumaps: paddedMaps(Array(returned), count: args.ncpumaps, length: args.maplen),
                                                 num: Int32(returned.count))
        },
    ]

    /// libvirtd's bounds on a reply of `count` maps of `length` bytes each.
    private static func checkCPUMaps(count: Int32, length: Int32, countName: String) throws(VirError) {
        guard count <= vcpuInfoMaximum else { throw VirError.rpcLimit("\(countName) > REMOTE_VCPUINFO_MAX") }
        guard Int64(count) * Int64(length) <= cpuMapsMaximum else {
            throw VirError.rpcLimit("\(countName) * maplen > REMOTE_CPUMAPS_MAX")
        }
    }

    /// The `cpumaps` opaque of a reply: `count` rows of `length` bytes, as libvirtd sends
    /// them (rows the call did not fill are zero).
    private static func paddedMaps(_ maps: [CPUMap], count: Int32, length: Int32) -> [UInt8] {
        guard length > 0, count > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: Int(count) * Int(length))
        for (row, map) in maps.prefix(Int(count)).enumerated() {
            let cells = map.resized(to: Int(length)).bytes
            bytes.replaceSubrange(row * Int(length)..<(row + 1) * Int(length), with: cells)
        }
        return bytes
    }
}
