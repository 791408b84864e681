import VirtError

/// `<interface>`: a guest network interface (`virDomainNetDef`).
public struct InterfaceDevice: Sendable, Equatable {
    /// `type`: `ethernet`, `bridge`, `network`, `user`, `direct`, …
    public var type: String
    /// `<mac address=…>`
    public var mac: String? = nil
    /// `<source bridge=…>`, `<source network=…>` or `<source dev=…>` for bridge, network and direct.
    public var source: String? = nil
    /// Other `<source>` attributes and children (`portgroup`, `mode`, …).
    public var sourceExtras = XMLExtras()
    /// `<ip>` elements: the guest side's addresses.
    public var ips: [IPAddress] = []
    /// `<route>` elements: the guest side's routes.
    public var routes: [Route] = []
    /// `<source><ip/></source>`: the host side's addresses (`type='ethernet'` only).
    public var hostIPs: [IPAddress] = []
    /// `<source><route/></source>`: the host side's routes (`type='ethernet'` only).
    public var hostRoutes: [Route] = []
    /// `<target dev=…>`: the host-side device name.
    public var targetDev: String? = nil
    /// Other `<target>` attributes (`managed`).
    public var targetExtras = XMLExtras()
    /// `<guest dev=…>`: the device's name inside a container.
    public var guestDev: String? = nil
    /// Other `<guest>` attributes.
    public var guestExtras = XMLExtras()
    /// `<link state=…>`: `up` or `down`.
    public var linkState: String? = nil
    /// `<model type=…>`, e.g. `virtio`.
    public var model: String? = nil
    /// `<address>`
    public var address: DeviceAddress? = nil
    /// Unmodelled attributes and children (`<mtu>`, `<bandwidth>`, …).
    public var extras = XMLExtras()

    /// An interface of `type` connected to `source`.
    public init(type: String, source: String? = nil, mac: String? = nil) {
        self.type = type
        self.source = source
        self.mac = mac
    }
}

extension DomainDevices {
    /// libvirt's defaults for interfaces, given when it parses a definition: a random MAC
    /// for each that has none, and no target device name in the prefixes the drivers
    /// reserve for the names they make (`vnet`, `macvtap`, `macvlan`).
    public mutating func assignInterfaceDefaults() {
        for index in interfaces.indices {
            if interfaces[index].mac == nil { interfaces[index].mac = InterfaceDevice.randomMAC() }
            if let name = interfaces[index].targetDev, ["vnet", "macvtap", "macvlan"].contains(where: name.hasPrefix) {
                interfaces[index].targetDev = nil
            }
        }
    }
}

extension InterfaceDevice {
    /// A random MAC in libvirt's default 52:54:00 prefix, as `virMacAddrGenerate` makes:
    /// libvirt gives one to every interface that has none when it parses a definition.
    public static func randomMAC() -> String {
        let tail = (0..<3).map { _ in UInt8.random(in: 0...255) }
        return "52:54:00:" + tail.map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined(separator: ":")
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
        hostIPs = try sourceExtras.elements.filter { $0.name == "ip" }.map { (ip) throws(VirError) in try IPAddress(xml: ip) }
        hostRoutes = try sourceExtras.elements.filter { $0.name == "route" }.map { (route) throws(VirError) in
            try Route(xml: route, side: "interface host IP")
        }
        sourceExtras.elements.removeAll { $0.name == "ip" || $0.name == "route" }
        if kind != .ethernet, !hostIPs.isEmpty || !hostRoutes.isEmpty {
            throw VirError(.configUnsupported, "Invalid attempt to set network interface host-side IP route and/or address info on interface of type '\(kind.rawValue)'. This is only supported on interfaces of type 'ethernet'", domain: .domain)
        }
        ips = try r.children("ip").map { (ip) throws(VirError) in try IPAddress(xml: ip) }
        routes = try r.children("route").map { (route) throws(VirError) in try Route(xml: route, side: "guest interface") }
        let target = r.subelement("target", ["dev"])
        (targetDev, targetExtras) = (target.values[0], target.extras)
        let guest = r.subelement("guest", ["dev"])
        (guestDev, guestExtras) = (guest.values[0], guest.extras)
        linkState = r.subelement("link", ["state"]).values[0]
        model = r.subelement("model", ["type"]).values[0]
        address = r.address()
        extras = r.extras
    }

    func attributes(_ options: DomainFormatOptions) -> [(String, String?)] {
        [("type", type)]
    }

    func children(_ options: DomainFormatOptions) -> [XMLElement] {
        var sourceContent = sourceExtras
        sourceContent.elements = hostIPs.map(\.xml) + hostRoutes.map(\.xml) + sourceExtras.elements
        var out = [
            mac.map { XMLElement("mac", [("address", $0)]) },
            subelement("source", [(InterfaceType(rawValue: type)?.sourceAttribute ?? "dev", source)], extras: sourceContent),
        ].compactMap { $0 }
        out += ips.map(\.xml) + routes.map(\.xml)
        if let target = subelement("target", [("dev", targetDev)], extras: targetExtras) { out.append(target) }
        if let guest = subelement("guest", [("dev", guestDev)], extras: guestExtras) { out.append(guest) }
        if let model { out.append(XMLElement("model", [("type", model)])) }
        if let linkState { out.append(XMLElement("link", [("state", linkState)])) }
        if let address { out.append(address.xml) }
        return out
    }
}
