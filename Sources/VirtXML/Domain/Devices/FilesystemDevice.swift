import VirtError

/// `<filesystem>`: a host directory or image exposed to the guest (`virDomainFSDef`).
public struct FilesystemDevice: Sendable, Equatable {
    /// `type`: `mount`, `block`, `file`, `template`, `ram`, `bind` or `volume`.
    public var type: String = "mount"
    /// `accessmode`: `passthrough` (the default libvirt prints), `mapped` or `squash`.
    public var accessMode: String = "passthrough"
    /// The source: `<source dir=…>` (mount, bind), `dev` (block), `file` (file) or `name` (template).
    public var source: String? = nil
    /// `<source usage=… units='KiB'>` of a ram filesystem, in KiB.
    public var ramUsageKiB: UInt64? = nil
    /// Other `<source>` attributes and children (e.g. `pool`/`volume`).
    public var sourceExtras = XMLExtras()
    /// `<target dir=…>`: where the guest sees it.
    public var target: String
    /// `<readonly/>`
    public var readonly = false
    /// `<address>`
    public var address: DeviceAddress? = nil
    /// Unmodelled attributes and children (`<driver>`, `<binary>`, …).
    public var extras = XMLExtras()

    /// A filesystem of `type` from `source`, mounted at `target`.
    public init(type: String = "mount", source: String? = nil, target: String) {
        self.type = type
        self.source = source
        self.target = target
    }
}

/// `virDomainFSType`
enum FilesystemType: String {
    case mount, block, file, template, ram, bind, volume

    /// The `<source>` attribute holding the path or name.
    var sourceAttribute: String? {
        switch self {
        case .mount, .bind: "dir"
        case .block: "dev"
        case .file: "file"
        case .template: "name"
        case .ram, .volume: nil
        }
    }
}

/// `virDomainFSAccessMode`
enum FilesystemAccessMode: String {
    case passthrough, mapped, squash
}

extension FilesystemDevice: DomainDevice {
    var elementName: String { "filesystem" }
    static let childOrder = ["driver", "binary", "idmap", "source", "target", "readonly", "space_hard_limit",
                             "space_soft_limit", "boot", "alias", "address"]

    init(xml e: XMLElement) throws(VirError) {
        var r = ElementReader(e)
        let kind = try r.enumAttribute("type", FilesystemType.self) ?? .mount
        type = kind.rawValue
        accessMode = try r.enumAttribute("accessmode", FilesystemAccessMode.self)?.rawValue ?? "passthrough"
        if let sourceElement = r.child("source") {
            var s = ElementReader(sourceElement)
            if kind == .ram {
                guard let usage = s.attribute("usage") else { throw VirError.xml("missing 'usage' attribute for RAM filesystem <source>") }
                ramUsageKiB = try MemorySize.kibibytes(usage, unit: s.attribute("units"), path: "./source/@usage")
            } else if let attribute = kind.sourceAttribute {
                source = s.attribute(attribute)
            }
            sourceExtras = s.extras
        }
        guard let dir = r.child("target")?.attribute("dir") else {
            throw VirError(.noTarget, source ?? "<filesystem>", domain: .domain)
        }
        target = dir
        readonly = r.flag("readonly")
        address = r.address()
        extras = r.extras
    }

    func attributes(_ options: DomainFormatOptions) -> [(String, String?)] {
        [("type", type), ("accessmode", accessMode)]
    }

    func children(_ options: DomainFormatOptions) -> [XMLElement] {
        var out: [XMLElement] = []
        let known: [(String, String?)] = if let ramUsageKiB {
            [("usage", "\(ramUsageKiB)"), ("units", "KiB")]
        } else {
            [(FilesystemType(rawValue: type)?.sourceAttribute ?? "dir", source)]
        }
        if let element = subelement("source", known, extras: sourceExtras) { out.append(element) }
        out.append(XMLElement("target", [("dir", target)]))
        if readonly { out.append(XMLElement("readonly")) }
        if let address { out.append(address.xml) }
        return out
    }
}
