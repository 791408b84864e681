import Glibc
import VirtError

extension NetworkAddress {
    /// Whether it is a loopback address: 127.0.0.0/8 or ::1.
    public var isLoopback: Bool {
        family == .ipv4 ? bytes[0] == 127 : bytes == [UInt8](repeating: 0, count: 15) + [1]
    }

    /// Calls `body` with the address and `port` as a `sockaddr_in` or `sockaddr_in6`, and its
    /// length, for `bind` and `connect`.
    public func withSocketAddress<T>(port: UInt16, _ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
        switch family {
        case .ipv4: filling(sockaddr_in(), family: \.sin_family, port: \.sin_port, host: \.sin_addr, with: port, body)
        case .ipv6: filling(sockaddr_in6(), family: \.sin6_family, port: \.sin6_port, host: \.sin6_addr, with: port, body)
        }
    }

    /// Fills `address`'s family, port and host fields, and calls `body` with it seen as a
    /// `sockaddr`, and its length.
    private func filling<Address, Host, T>(_ address: Address, family: WritableKeyPath<Address, sa_family_t>,
                                           port portField: WritableKeyPath<Address, in_port_t>, host: WritableKeyPath<Address, Host>,
                                           with port: UInt16, _ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
        var address = address
        address[keyPath: family] = sa_family_t(self.family.addressFamily)
        address[keyPath: portField] = port.bigEndian
        withUnsafeMutableBytes(of: &address[keyPath: host]) { $0.copyBytes(from: bytes) }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<Address>.size)) }
        }
    }
}

/// A TCP address and port: where a daemon listens, or a client connects.
public struct TCPEndpoint: Sendable, Equatable, CustomStringConvertible {
    /// The address.
    public var address: NetworkAddress
    /// The port.
    public var port: UInt16

    /// `port` of `address`.
    public init(address: NetworkAddress, port: UInt16) {
        (self.address, self.port) = (address, port)
    }

    /// `127.0.0.1:16509` or `[::1]:16509`; nil if `text` is neither.
    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]) else { return nil }
        var host = text[..<colon]
        if host.hasPrefix("[") && host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        guard let address = NetworkAddress(String(host)) else { return nil }
        (self.address, self.port) = (address, port)
    }

    /// As ``init(_:)`` reads it.
    public var description: String { address.family == .ipv4 ? "\(address):\(port)" : "[\(address)]:\(port)" }
}
