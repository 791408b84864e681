import VirtCore
import VirtError
import VirtRPC

// What the procedure handlers share: the protocol's handles on domains and snapshots, to
// and from SwiftVirt's, its char arrays and signed flags, and libvirtd's checks on flags and
// reply sizes.

extension RemoteNonnullDomain {
    /// `remote_nonnull_domain` of `domain`: name, UUID and id (-1 when inactive).
    init(_ domain: Domain) {
        self.init(name: domain.name, uuid: domain.uuid.bytes, id: domain.id)
    }
}

extension RemoteNonnullDomainSnapshot {
    /// `remote_nonnull_domain_snapshot` of `snapshot`.
    init(_ snapshot: DomainSnapshot) {
        self.init(name: snapshot.name, dom: RemoteNonnullDomain(snapshot.domain))
    }
}

extension Connection {
    /// The domain a call names. Resolved by UUID, as libvirtd does: the id a client holds
    /// may be stale, and the name is only informational.
    func domain(_ wire: RemoteNonnullDomain) async throws(VirError) -> Domain {
        try await lookupDomain(uuidBytes: wire.uuid)
    }

    /// The snapshot a call names, on its domain.
    func snapshot(_ wire: RemoteNonnullDomainSnapshot) async throws(VirError) -> DomainSnapshot {
        DomainSnapshot(domain: try await domain(wire.dom), name: wire.name)
    }
}

/// A `char<>` of the protocol (security labels and models): each byte widened, with the
/// terminating NUL; an empty text is an empty array, as libvirtd sends it.
func wideChars(_ text: String) -> [Int32] {
    text.isEmpty ? [] : text.utf8.map { Int32(Int8(bitPattern: $0)) } + [0]
}

/// `flags` of a call whose protocol field is signed, as the API's unsigned flags.
func unsignedFlags(_ flags: Int32) -> UInt32 { UInt32(bitPattern: flags) }

/// The flags of a call that defines none: any bit is libvirt's "unsupported flags".
struct NoFlags: KnownFlags {
    var rawValue: UInt32
    static let known: NoFlags = []
}

extension VirError {
    /// libvirtd's refusal of a call whose reply would exceed a protocol limit
    /// (`VIR_ERR_RPC`, "… > REMOTE_…_MAX").
    static func rpcLimit(_ message: String) -> VirError {
        VirError(code: .rpc, domain: .rpc, message: message)
    }
}
