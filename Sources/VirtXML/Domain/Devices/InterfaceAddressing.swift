import Glibc
import VirtError

extension InterfaceDevice {
    /// `<ip address=… family=… prefix=… peer=…/>`: an address of the guest side (directly
    /// under `<interface>`) or, for `type='ethernet'`, of the host side (under `<source>`).
    public struct IPAddress: Sendable, Equatable {
        /// `address`
        public var address: String
        /// `family`: `ipv4` or `ipv6` (inferred from the address when absent).
        public var family: String
        /// `prefix`; `nil` or 0 means the address class's (libvirt's `virSocketAddrGetIPPrefix`).
        public var prefix: UInt32? = nil
        /// `peer`: the other end of a point-to-point link.
        public var peer: String? = nil
        /// An address; the family is inferred.
        public init(address: String, prefix: UInt32? = nil) {
            self.address = address
            self.family = address.contains(":") ? "ipv6" : "ipv4"
            self.prefix = prefix
        }

        /// The prefix to configure: the given one, else 8, 16 or 24 for an IPv4 class A, B
        /// or C address and 64 for IPv6; `nil` for a multicast or reserved IPv4 address
        /// without one.
        public var effectivePrefix: UInt32? {
            if let prefix, prefix > 0 { return prefix }
            return Self.classfulPrefix(of: address)
        }

        static func classfulPrefix(of address: String) -> UInt32? {
            guard let bytes = ipBytes(address) else { return nil }
            guard bytes.count == 4 else { return 64 }
            if bytes.allSatisfy({ $0 == 0 }) { return 0 }
            switch bytes[0] {
            case ..<128: return 8
            case ..<192: return 16
            case ..<224: return 24
            default: return nil
            }
        }
    }

    /// `<route family=… address=… prefix=… gateway=… metric=…/>` (`virNetDevIPRoute`).
    public struct Route: Sendable, Equatable {
        /// `family`; absent means IPv4.
        public var family: String? = nil
        /// `address`: the destination network (`0.0.0.0` or `::` with prefix 0: the default route).
        public var address: String
        /// `netmask` (IPv4, instead of a prefix).
        public var netmask: String? = nil
        /// `prefix`; absent means 0.
        public var prefix: UInt32? = nil
        /// `gateway`
        public var gateway: String
        /// `metric`; absent means 1.
        public var metric: UInt32? = nil
        /// A route to `address` via `gateway`.
        public init(address: String, prefix: UInt32? = nil, gateway: String) {
            self.address = address
            self.prefix = prefix
            self.gateway = gateway
        }

        /// The destination's prefix length: `prefix`, else the netmask's, else 0.
        public var effectivePrefix: UInt32 {
            if let prefix { return prefix }
            guard let netmask, let bytes = ipBytes(netmask) else { return 0 }
            return UInt32(bytes.reduce(0) { $0 + $1.nonzeroBitCount })
        }
    }
}

/// The bytes of an IPv4 (4) or IPv6 (16) address in text, or `nil`.
func ipBytes(_ text: String) -> [UInt8]? {
    var buffer = [UInt8](repeating: 0, count: 16)
    if inet_pton(AF_INET, text, &buffer) == 1 { return Array(buffer.prefix(4)) }
    if inet_pton(AF_INET6, text, &buffer) == 1 { return buffer }
    return nil
}

extension InterfaceDevice.IPAddress {
    /// Parses and checks an `<ip>` as libvirt's `virDomainNetIPParseXML` does.
    init(xml e: XMLElement) throws(VirError) {
        var r = ElementReader(e)
        guard let address = r.attribute("address") else { throw VirError.xml("Missing required address in <ip>") }
        guard let bytes = ipBytes(address) else { throw VirError.xml("Invalid address '\(address)' in <ip>") }
        self.init(address: address)
        family = bytes.count == 4 ? "ipv4" : "ipv6"
        if let given = r.attribute("family"), given != family {
            throw VirError.xml("Invalid address '\(address)' in <ip> of family '\(given)'")
        }
        if let text = r.attribute("prefix") {
            guard let value = UInt32(text), value <= UInt32(bytes.count * 8) else {
                throw VirError.xml("Invalid prefix value '\(text)' in <ip>")
            }
            prefix = value
        }
        if let peer = r.attribute("peer") {
            guard ipBytes(peer)?.count == bytes.count else {
                throw VirError(.invalidArg, "Invalid peer '\(peer)' in <ip>", domain: .domain)
            }
            self.peer = peer
        }
    }

    var xml: XMLElement {
        XMLElement("ip", [("address", address), ("family", family),
                          ("prefix", prefix.flatMap { $0 > 0 ? "\($0)" : nil }), ("peer", peer)])
    }
}

extension InterfaceDevice.Route {
    /// Parses and checks a `<route>` as libvirt's `virNetDevIPRouteParseXML` and
    /// `virNetDevIPRouteCreate` do; `side` ("guest interface", "interface host IP") begins
    /// each message.
    init(xml e: XMLElement, side: String) throws(VirError) {
        var r = ElementReader(e)
        func fail(_ message: String) -> VirError { VirError.xml("\(side): \(message)") }
        let family = r.attribute("family")
        guard let address = r.attribute("address") else { throw fail("Missing required address attribute in route definition") }
        guard let gateway = r.attribute("gateway") else { throw fail("Missing required gateway attribute in route definition") }
        self.init(address: address, prefix: try r.unsignedAttribute("prefix"), gateway: gateway)
        self.family = family
        netmask = r.attribute("netmask")
        metric = try r.unsignedAttribute("metric")
        let width = family == "ipv6" ? 16 : 4
        guard family == nil || family == "ipv4" || family == "ipv6" else { throw fail("Unknown family '\(family!)' in route definition") }
        guard let destination = ipBytes(address), destination.count == width else {
            throw fail(family == nil && ipBytes(address)?.count == 16
                       ? "No family specified for non-IPv4 address '\(address)' in route definition"
                       : "Bad network address '\(address)' in route definition")
        }
        guard ipBytes(gateway)?.count == width else { throw fail("Bad gateway address '\(gateway)' in route definition") }
        if let netmask {
            guard width == 4, prefix == nil, let mask = ipBytes(netmask), mask.count == 4 else {
                throw fail("Bad netmask address '\(netmask)' in route definition")
            }
        }
        if let prefix, prefix > UInt32(width * 8) {
            throw fail("Invalid prefix \(prefix) specified in route definition, must be 0 - \(width * 8)")
        }
        if metric == 0 { throw fail("Invalid metric 0 specified in route definition: zero is not permitted") }
        let bits = Int(effectivePrefix)
        let hostBits = destination.enumerated().contains { index, byte in
            let networkBits = max(0, min(8, bits - index * 8))
            return byte & UInt8(truncatingIfNeeded: 0xFF >> networkBits) != 0
        }
        if hostBits { throw fail("Address '\(address)' in route definition is not a network address") }
    }

    var xml: XMLElement {
        XMLElement("route", [("family", family), ("address", address), ("netmask", netmask),
                             ("prefix", prefix.map { "\($0)" }), ("gateway", gateway), ("metric", metric.map { "\($0)" })])
    }
}
