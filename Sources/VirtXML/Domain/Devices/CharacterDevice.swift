import VirtError

/// `<serial>`, `<parallel>`, `<console>` or `<channel>`: a character device (`virDomainChrDef`).
public struct CharacterDevice: Sendable, Equatable {
    /// Which element this is.
    public enum Kind: String, Sendable, CaseIterable {
        /// `<serial>`
        case serial
        /// `<parallel>`
        case parallel
        /// `<console>`
        case console
        /// `<channel>`
        case channel
    }

    /// The element.
    public var kind: Kind
    /// `type`: `pty`, `file`, `unix`, `tcp`, `udp`, `dev`, `pipe`, `null`, `vc`, `stdio`, `spicevmc`, …
    public var type: String
    /// `<source path=…>` (pty, file, dev, pipe, unix).
    public var sourcePath: String? = nil
    /// `<source mode=…>` (`bind`/`connect`) for unix and tcp.
    public var sourceMode: String? = nil
    /// Other `<source>` attributes and children (`append`, `host`, `service`, …).
    public var sourceExtras = XMLExtras()
    /// `<target type=…>`: e.g. `serial`/`virtio`/`lxc` for consoles, `virtio`/`guestfwd` for channels.
    public var targetType: String? = nil
    /// `<target port=…>`
    public var targetPort: UInt32? = nil
    /// `<target name=…>` of a virtio channel, e.g. `org.qemu.guest_agent.0`.
    public var targetName: String? = nil
    /// Other `<target>` attributes and children.
    public var targetExtras = XMLExtras()
    /// `<address>`
    public var address: DeviceAddress? = nil
    /// Unmodelled attributes and children (`<log>`, `<protocol>`, `<alias>`, …).
    public var extras = XMLExtras()

    /// A character device of `kind` and `type`.
    public init(kind: Kind, type: String = "pty", targetType: String? = nil, targetPort: UInt32? = nil) {
        self.kind = kind
        self.type = type
        self.targetType = targetType
        self.targetPort = targetPort
    }
}

/// `virDomainChrType`
enum CharacterDeviceType: String {
    case null, vc, pty, dev, file, pipe, stdio, udp, tcp, unix, spicevmc, spiceport, nmdm, qemuVdagent = "qemu-vdagent",
         dbus
}

extension CharacterDevice: DomainDevice {
    var elementName: String { kind.rawValue }
    static let childOrder = ["source", "protocol", "log", "target", "alias", "address"]

    /// Parses `<serial>`, `<parallel>`, `<console>` or `<channel>`.
    init(xml e: XMLElement) throws(VirError) {
        var r = ElementReader(e)
        kind = Kind(rawValue: e.name) ?? .serial
        type = try r.enumAttribute("type", CharacterDeviceType.self)?.rawValue ?? "pty"
        _ = r.attribute("tty")  // a pty's path again, shown from <source path>
        let source = r.subelement("source", ["mode", "path"])
        (sourceMode, sourcePath, sourceExtras) = (source.values[0], source.values[1], source.extras)
        if let target = r.child("target") {
            var t = ElementReader(target)
            targetType = t.attribute("type")
            targetPort = try t.unsignedAttribute("port")
            targetName = t.attribute("name")
            targetExtras = t.extras
        }
        address = r.address()
        extras = r.extras
    }

    /// A running domain's pty also shows its path as `tty`, as libvirt does.
    func attributes(_ options: DomainFormatOptions) -> [(String, String?)] {
        [("type", type), ("tty", type == "pty" && !options.inactive ? sourcePath : nil)]
    }

    /// A pty's path is assigned at start-up, so libvirt omits it from inactive XML.
    func children(_ options: DomainFormatOptions) -> [XMLElement] {
        let path = type == "pty" && options.inactive ? nil : sourcePath
        return [
            subelement("source", [("mode", sourceMode), ("path", path)], extras: sourceExtras),
            XMLElement("target", [("type", targetType), ("port", targetPort.map { "\($0)" }), ("name", targetName)],
                       extras: targetExtras),
            address?.xml,
        ].compactMap { $0 }
    }
}
