import VirtCore
import VirtError
import VirtRPC
import XDR

extension RemoteDispatcher {
    /// The domain calls virsh and libvirt-python make; nil for other procedures.
    func domainCall(_ procedure: RemoteProcedure, _ packet: Packet, on connection: Connection) async throws(VirError) -> Packet? {
        switch procedure {
        case .connectListAllDomains:
            return try await Self.reply(packet) { (args: RemoteConnectListAllDomainsArgs) throws(VirError) in
                let domains = try await connection.listAllDomains(flags: ListDomainsFlags(rawValue: UInt32(bitPattern: args.flags)))
                return RemoteConnectListAllDomainsRet(domains: args.needResults != 0 ? domains.map(Self.wire) : [], ret: UInt32(domains.count))
            }
        case .domainLookupByName:
            return try await Self.reply(packet) { (args: RemoteDomainLookupByNameArgs) throws(VirError) in
                RemoteDomainLookupByNameRet(dom: Self.wire(try await connection.lookupDomain(name: args.name)))
            }
        case .domainLookupByUuid:
            return try await Self.reply(packet) { (args: RemoteDomainLookupByUuidArgs) throws(VirError) in
                RemoteDomainLookupByUuidRet(dom: Self.wire(try await connection.lookupDomain(uuidBytes: args.uuid)))
            }
        case .domainLookupById:
            return try await Self.reply(packet) { (args: RemoteDomainLookupByIdArgs) throws(VirError) in
                RemoteDomainLookupByIdRet(dom: Self.wire(try await connection.lookupDomain(id: args.id)))
            }
        case .domainGetState:
            return try await Self.reply(packet) { (args: RemoteDomainGetStateArgs) throws(VirError) in
                let (state, reason) = try await Self.domain(args.dom, on: connection).state()
                return RemoteDomainGetStateRet(state: state.rawValue, reason: reason.rawValue)
            }
        case .domainGetInfo:
            return try await Self.reply(packet) { (args: RemoteDomainGetInfoArgs) throws(VirError) in
                let info = try await Self.domain(args.dom, on: connection).info()
                return RemoteDomainGetInfoRet(state: info.state.rawValue, maxMem: info.maxMemory, memory: info.memory,
                                              nrVirtCPU: Int32(info.virtualCPUs), cpuTime: info.cpuTime)
            }
        case .domainGetXmlDesc:
            return try await Self.reply(packet) { (args: RemoteDomainGetXmlDescArgs) throws(VirError) in
                let flags = DomainXMLFlags(rawValue: UInt32(bitPattern: args.flags))
                return RemoteDomainGetXmlDescRet(xml: try await Self.domain(args.dom, on: connection).xmlDescription(flags: flags))
            }
        case .domainGetOsType:
            return try await Self.reply(packet) { (args: RemoteDomainGetOsTypeArgs) throws(VirError) in
                RemoteDomainGetOsTypeRet(type: try await Self.domain(args.dom, on: connection).osType())
            }
        case .domainIsActive:
            return try await Self.reply(packet) { (args: RemoteDomainIsActiveArgs) throws(VirError) in
                RemoteDomainIsActiveRet(active: try await Self.domain(args.dom, on: connection).isActive() ? 1 : 0)
            }
        case .domainIsPersistent:
            return try await Self.reply(packet) { (args: RemoteDomainIsPersistentArgs) throws(VirError) in
                RemoteDomainIsPersistentRet(persistent: try await Self.domain(args.dom, on: connection).isPersistent() ? 1 : 0)
            }
        case .domainGetAutostart:
            return try await Self.reply(packet) { (args: RemoteDomainGetAutostartArgs) throws(VirError) in
                RemoteDomainGetAutostartRet(autostart: try await Self.domain(args.dom, on: connection).autostart() ? 1 : 0)
            }
        case .domainHasManagedSaveImage:
            return try await Self.reply(packet) { (args: RemoteDomainHasManagedSaveImageArgs) throws(VirError) in
                RemoteDomainHasManagedSaveImageRet(result: try await Self.domain(args.dom, on: connection).hasManagedSaveImage() ? 1 : 0)
            }
        case .domainGetSecurityLabel:
            return try await Self.reply(packet) { (args: RemoteDomainGetSecurityLabelArgs) throws(VirError) in
                let label = try await Self.domain(args.dom, on: connection).securityLabel()
                return RemoteDomainGetSecurityLabelRet(label: Self.wideChars(label.label), enforcing: label.enforcing ? 1 : 0)
            }
        default:
            return nil
        }
    }

    /// The domain a call names. Resolved by UUID, as libvirtd does: the id a client holds
    /// may be stale.
    static func domain(_ wire: RemoteNonnullDomain, on connection: Connection) async throws(VirError) -> Domain {
        try await connection.lookupDomain(uuidBytes: wire.uuid)
    }

    /// `remote_nonnull_domain`: name, UUID and id (-1 when inactive).
    static func wire(_ domain: Domain) -> RemoteNonnullDomain {
        RemoteNonnullDomain(name: domain.name, uuid: domain.uuid.bytes, id: domain.id)
    }

    /// A `char<>` of the protocol: each byte widened, with the terminating NUL (an empty
    /// text is an empty array, as libvirtd sends it).
    static func wideChars(_ text: String) -> [Int32] {
        text.isEmpty ? [] : text.utf8.map { Int32(Int8(bitPattern: $0)) } + [0]
    }
}
