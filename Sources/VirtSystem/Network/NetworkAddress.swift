import Glibc
import VirtError

/// An IPv4 or IPv6 address, as `inet_pton` reads it and netlink carries it.
public struct NetworkAddress: Sendable, Hashable, CustomStringConvertible {
    /// The address family.
    public enum Family: Sendable, Hashable {
        /// `AF_INET`
        case ipv4
        /// `AF_INET6`
        case ipv6

        /// `AF_INET` or `AF_INET6`.
        public var addressFamily: Int32 { self == .ipv4 ? AF_INET : AF_INET6 }
        /// The longest prefix: 32 or 128.
        public var maximumPrefix: UInt8 { self == .ipv4 ? 32 : 128 }
    }

    /// Its family.
    public let family: Family
    /// Its bytes, in network order (4 or 16).
    public let bytes: [UInt8]

    /// Reads `text` (`192.168.1.2`, `fd00::1`). `nil` if it is neither kind of address.
    public init?(_ text: String) {
        var buffer = [UInt8](repeating: 0, count: 16)
        if inet_pton(AF_INET, text, &buffer) == 1 {
            (family, bytes) = (.ipv4, Array(buffer.prefix(4)))
        } else if inet_pton(AF_INET6, text, &buffer) == 1 {
            (family, bytes) = (.ipv6, buffer)
        } else {
            return nil
        }
    }

    /// The address with these bytes (4 or 16).
    init(family: Family, bytes: [UInt8]) {
        self.family = family
        self.bytes = bytes
    }

    /// Whether every bit is zero (`0.0.0.0`, `::`).
    public var isUnspecified: Bool { bytes.allSatisfy { $0 == 0 } }

    /// The IPv4 broadcast address of the network of `prefix` bits this address is in.
    public func broadcast(prefix: UInt8) -> NetworkAddress {
        NetworkAddress(family: family, bytes: bytes.enumerated().map { index, byte in
            let networkBits = max(0, min(8, Int(prefix) - index * 8))
            return byte | UInt8(truncatingIfNeeded: 0xFF >> networkBits)
        })
    }

    /// The conventional text form, as `inet_ntop` writes it.
    public var description: String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        _ = bytes.withUnsafeBytes { raw in inet_ntop(family.addressFamily, raw.baseAddress, &text, socklen_t(text.count)) }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// A link-layer (Ethernet) address such as `52:54:00:12:34:56`.
public struct MACAddress: Sendable, Hashable, CustomStringConvertible {
    /// Its six bytes.
    public private(set) var bytes: [UInt8]

    /// Reads six colon-separated hexadecimal bytes. `nil` for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 6 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard (1...2).contains(part.count), let byte = UInt8(part, radix: 16) else { return nil }
            bytes.append(byte)
        }
        self.bytes = bytes
    }

    /// The same address with another first byte.
    public func withFirstByte(_ first: UInt8) -> MACAddress {
        var copy = self
        copy.bytes[0] = first
        return copy
    }

    /// Whether it is a multicast address (the low bit of its first byte), which no
    /// interface may have.
    public var isMulticast: Bool { bytes[0] & 1 == 1 }

    /// Lower-case hexadecimal bytes joined by colons.
    public var description: String {
        bytes.map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined(separator: ":")
    }
}
