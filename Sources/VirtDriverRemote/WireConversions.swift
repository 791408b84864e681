import VirtCore
import VirtError
import VirtRPC
import VirtXML

// The protocol's handles and char arrays, turned into SwiftVirt's types and back, for the
// remote driver's calls.

extension RemoteNonnullDomain {
    /// The handle of `domain`.
    init(_ domain: DomainIdentity) {
        self.init(name: domain.name, uuid: domain.uuid.bytes, id: domain.id)
    }
}

extension DomainIdentity {
    /// The domain a handle names. A handle with a malformed UUID names the nil UUID, which
    /// no domain has.
    init(_ wire: RemoteNonnullDomain) {
        self.init(name: wire.name, uuid: DomainUUID(bytes: wire.uuid) ?? DomainUUID(bytes: [UInt8](repeating: 0, count: 16))!, id: wire.id)
    }
}

extension RemoteNonnullDomainSnapshot {
    /// The handle of snapshot `name` of `domain`.
    init(_ name: String, of domain: DomainIdentity) {
        self.init(name: name, dom: RemoteNonnullDomain(domain))
    }
}

/// The text of a `char<>` or `char[N]` of the protocol: each widened byte, up to the first NUL.
func narrowChars(_ chars: [Int32]) -> String {
    String(decoding: chars.prefix { $0 != 0 }.map { UInt8(truncatingIfNeeded: $0) }, as: UTF8.self)
}

/// Flags whose protocol field is signed.
func signedFlags(_ flags: UInt32) -> Int32 { Int32(bitPattern: flags) }
