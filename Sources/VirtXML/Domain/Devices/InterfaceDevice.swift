import VirtError

/// `<interface>`: a guest network interface (`virDomainNetDef`).
public struct InterfaceDevice: Sendable, Equatable {
    /// `<ip address=… family=… prefix=… peer=…/>` given to the guest side (containers).
    public struct IPAddress: Sendable, Equatable {
        /// `address`
        public var address: String
        /// `family`: `ipv4` or `ipv6` (inferred from the address when absent).
        public var family: String
        /// `prefix`
        public var prefix: UInt32? = nil
        /// `peer`
        public var peer: String? = nil
        /// An address; the family is inferred.
        public init(address: String, prefix: UInt32? = nil) {
            self.address = address
            self.family = address.contains(":") ? "ipv6" : "ipv4"
            self.prefix = prefix
        }
    }

    /// `<route family=… address=… prefix=… gateway=… metric=…/>`.
    public struct Route: Sendable, Equatable {
        /// `family`
        public var family: String? = nil
        /// `address`: the destination network.
        public var address: String
        /// `netmask`
        public var netmask: String? = nil
        /// `prefix`
        public var prefix: UInt32? = nil
        /// `gateway`
        public var gateway: String
        /// `metric`
        public var metric: UInt32? = nil
        /// A route to `address` via `gateway`.
        public init(address: String, prefix: UInt32? = nil, gateway: String) {
            self.address = address
            self.prefix = prefix
            self.gateway = gateway
        }
    }

    /// `type`: `ethernet`, `bridge`, `network`, `user`, `direct`, …
    public var type: String
    /// `<mac address=…>`
    public var mac: String? = nil
    /// `<source bridge=…>`, `<source network=…>` or `<source dev=…>` for bridge, network and direct.
    public var source: String? = nil
    /// Other `<source>` attributes and children (`portgroup`, `mode`, …).
    public var sourceExtras = XMLExtras()
    /// `<ip>` elements.
    public var ips: [IPAddress] = []
    /// `<route>` elements.
    public var routes: [Route] = []
    /// `<target dev=…>`: the host-side device name.
    public var targetDev: String? = nil
    /// Other `<target>` attributes (`managed`).
    public var targetExtras = XMLExtras()
    /// `<model type=…>`, e.g. `virtio`.
    public var model: String? = nil
    /// `<address>`
    public var address: DeviceAddress? = nil
    /// Unmodelled attributes and children (`<guest>`, `<link>`, `<mtu>`, …).
    public var extras = XMLExtras()

    /// An interface of `type` connected to `source`.
    public init(type: String, source: String? = nil, mac: String? = nil) {
        self.type = type
        self.source = source
        self.mac = mac
    }
}

/// `virDomainNetType`
enum InterfaceType: String {
    case user, ethernet, vhostuser, server, client, mcast, network, bridge, `internal`, direct, hostdev, udp, vdpa, null, vds

    /// The `<source>` attribute naming what the interface connects to.
    var sourceAttribute: String? {
        switch self {
        case .bridge: "bridge"
        case .network: "network"
        case .direct: "dev"
        case .internal: "name"
        default: nil
        }
    }
}

extension InterfaceDevice: DomainDevice {
    var elementName: String { "interface" }
    static let childOrder = ["mac", "source", "virtualport", "ip", "route", "script", "downscript", "backenddomain",
                             "target", "guest", "model", "driver", "backend", "filterref", "tune", "teaming", "link",
                             "mtu", "coalesce", "boot", "rom", "alias", "address"]

    init(xml e: XMLElement) throws(VirError) {
        var r = ElementReader(e)
        guard let kind = try r.enumAttribute("type", InterfaceType.self) else {
            throw VirError.xml("missing type attribute in <interface>")
        }
        type = kind.rawValue
        mac = r.subelement("mac", ["address"]).values[0]
        let source = r.subelement("source", kind.sourceAttribute.map { [$0] } ?? [])
        (self.source, sourceExtras) = (source.values.first ?? nil, source.extras)
        ips = try r.children("ip").map { (ip) throws(VirError) in
            var ir = ElementReader(ip)
            guard let addressText = ir.attribute("address") else { throw VirError.xml("Missing required address in <ip>") }
            var value = IPAddress(address: addressText, prefix: try ir.unsignedAttribute("prefix"))
            value.family = ir.attribute("family") ?? value.family
            value.peer = ir.attribute("peer")
            return value
        }
        routes = try r.children("route").map { (route) throws(VirError) in
            var rr = ElementReader(route)
            guard let destination = rr.attribute("address"), let gateway = rr.attribute("gateway") else {
                throw VirError.xml("<route> needs both address and gateway")
            }
            var value = Route(address: destination, prefix: try rr.unsignedAttribute("prefix"), gateway: gateway)
            value.family = rr.attribute("family")
            value.netmask = rr.attribute("netmask")
            value.metric = try rr.unsignedAttribute("metric")
            return value
        }
        let target = r.subelement("target", ["dev"])
        (targetDev, targetExtras) = (target.values[0], target.extras)
        model = r.subelement("model", ["type"]).values[0]
        address = r.address()
        extras = r.extras
    }

    func attributes(_ options: DomainFormatOptions) -> [(String, String?)] {
        [("type", type)]
    }

    func children(_ options: DomainFormatOptions) -> [XMLElement] {
        var out = [
            mac.map { XMLElement("mac", [("address", $0)]) },
            subelement("source", [(InterfaceType(rawValue: type)?.sourceAttribute ?? "dev", source)], extras: sourceExtras),
        ].compactMap { $0 }
        out += ips.map { XMLElement("ip", [("address", $0.address), ("family", $0.family),
                                           ("prefix", $0.prefix.map { "\($0)" }), ("peer", $0.peer)]) }
        out += routes.map { XMLElement("route", [("family", $0.family), ("address", $0.address), ("netmask", $0.netmask),
                                                 ("prefix", $0.prefix.map { "\($0)" }), ("gateway", $0.gateway),
                                                 ("metric", $0.metric.map { "\($0)" })]) }
        if let target = subelement("target", [("dev", targetDev)], extras: targetExtras) { out.append(target) }
        if let model { out.append(XMLElement("model", [("type", model)])) }
        if let address { out.append(address.xml) }
        return out
    }
}
