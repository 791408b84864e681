import VirtError

/// `<disk>`: a block device of the guest (`virDomainDiskDef`).
public struct DiskDevice: Sendable, Equatable {
    /// `type`: `file`, `block`, `dir`, `network`, `volume`, …
    public var type: String = "file"
    /// `device`: `disk`, `cdrom`, `floppy` or `lun`.
    public var device: String = "disk"
    /// `<driver name=…>`, e.g. `qemu`.
    public var driverName: String? = nil
    /// `<driver type=…>`: the image format, e.g. `raw`, `qcow2`.
    public var driverType: String? = nil
    /// Other `<driver>` attributes (`cache`, `io`, …).
    public var driverExtras = XMLExtras()
    /// The path: `<source file=…>`, `<source dev=…>` or `<source dir=…>` for file, block and dir disks.
    public var source: String? = nil
    /// Other `<source>` attributes and children (network hosts, pool/volume, …).
    public var sourceExtras = XMLExtras()
    /// `<backingStore>`: the images under the source, nearest first. Nothing is probed: an
    /// image may only have the backing files listed here.
    public var backingChain: [DiskImage] = []
    /// Whether an empty `<backingStore/>` closes the chain: its last image (the source itself,
    /// when the chain is empty) is declared to have no backing file.
    public var backingChainEnds = false
    /// `<target dev=…>`: the guest device name, e.g. `vda`.
    public var target: String
    /// `<target bus=…>`: `virtio`, `ide`, `scsi`, `sata`, `usb`, …
    public var bus: String? = nil
    /// Other `<target>` attributes.
    public var targetExtras = XMLExtras()
    /// `<readonly/>`
    public var readonly = false
    /// `<shareable/>`
    public var shareable = false
    /// `<serial>`
    public var serial: String? = nil
    /// `<address>`
    public var address: DeviceAddress? = nil
    /// Unmodelled attributes and children (`<boot>`, `<iotune>`, `<alias>`, …).
    public var extras = XMLExtras()

    /// A disk of `type` whose guest name is `target`.
    public init(type: String = "file", device: String = "disk", source: String? = nil, target: String, bus: String? = nil) {
        self.type = type
        self.device = device
        self.source = source
        self.target = target
        self.bus = bus
    }
}

/// One image of a disk's backing chain: `<backingStore type=…><format type=…/><source …/>`.
public struct DiskImage: Sendable, Equatable {
    /// `type`: `file` or `block`.
    public var type: String
    /// `<format type=…>`, e.g. `qcow2` or `raw`.
    public var format: String?
    /// The path: `<source file=…>` or `<source dev=…>`.
    public var source: String

    /// A `type` image at `source` in `format`.
    public init(type: String = "file", format: String?, source: String) {
        self.type = type
        self.format = format
        self.source = source
    }
}

/// `virDomainDiskDevice`
enum DiskDeviceKind: String {
    case disk, cdrom, floppy, lun
}

/// `virStorageType` as used by disks.
enum DiskType: String {
    case file, block, dir, network, volume, nvme, vhostuser

    /// The `<source>` attribute holding the path, for types that have one.
    var sourceAttribute: String? {
        switch self {
        case .file: "file"
        case .block: "dev"
        case .dir: "dir"
        case .network, .volume, .nvme, .vhostuser: nil
        }
    }
}

extension DiskDevice: DomainDevice {
    var elementName: String { "disk" }
    static let childOrder = ["driver", "auth", "source", "backingStore", "mirror", "target", "geometry", "blockio",
                             "iotune", "readonly", "shareable", "transient", "serial", "wwn", "vendor", "product",
                             "encryption", "boot", "alias", "address"]

    init(xml e: XMLElement) throws(VirError) {
        var r = ElementReader(e)
        let kind = try r.enumAttribute("type", DiskType.self) ?? .file
        device = try r.enumAttribute("device", DiskDeviceKind.self)?.rawValue ?? "disk"
        type = kind.rawValue
        let driver = r.subelement("driver", ["name", "type"])
        (driverName, driverType, driverExtras) = (driver.values[0], driver.values[1], driver.extras)
        let source = r.subelement("source", kind.sourceAttribute.map { [$0] } ?? [])
        (self.source, sourceExtras) = (source.values.first ?? nil, source.extras)
        (backingChain, backingChainEnds) = try Self.backingChain(under: r.child("backingStore"))
        let target = r.subelement("target", ["dev", "bus"])
        guard let dev = target.values[0] else {
            throw VirError(.noTarget, self.source ?? "<disk>", domain: .domain)
        }
        (self.target, bus, targetExtras) = (dev, target.values[1], target.extras)
        readonly = r.flag("readonly")
        shareable = r.flag("shareable")
        serial = r.childText("serial")
        address = r.address()
        extras = r.extras
    }

    func attributes(_ options: DomainFormatOptions) -> [(String, String?)] {
        [("type", type), ("device", device)]
    }

    func children(_ options: DomainFormatOptions) -> [XMLElement] {
        let sourceAttribute = DiskType(rawValue: type)?.sourceAttribute ?? "file"
        return [
            subelement("driver", [("name", driverName), ("type", driverType)], extras: driverExtras),
            subelement("source", [(sourceAttribute, source)], extras: sourceExtras),
            backingStoreElement(from: 0),
            XMLElement("target", [("dev", target), ("bus", bus)], extras: targetExtras),
            readonly ? XMLElement("readonly") : nil,
            shareable ? XMLElement("shareable") : nil,
            serial.map { XMLElement("serial", text: $0) },
            address?.xml,
        ].compactMap { $0 }
    }
}

extension DiskDevice {
    /// The images of nested `<backingStore>` elements, and whether an empty one ends them.
    static func backingChain(under element: XMLElement?) throws(VirError) -> ([DiskImage], Bool) {
        var chain: [DiskImage] = []
        var cursor = element
        while let e = cursor {
            var r = ElementReader(e)
            guard let typeName = r.attribute("type") else { return (chain, true) }
            guard let type = DiskType(rawValue: typeName), let attribute = type.sourceAttribute, type != .dir else {
                throw VirError(.configUnsupported, "unsupported backing store type '\(typeName)'", domain: .domain)
            }
            guard let path = r.child("source")?.attribute(attribute) else {
                throw VirError(.xmlError, "missing source of a <backingStore type='\(typeName)'>", domain: .domain)
            }
            chain.append(DiskImage(type: typeName, format: r.child("format")?.attribute("type"), source: path))
            cursor = r.child("backingStore")
        }
        return (chain, false)
    }

    /// `<backingStore>` for the chain from image `index` on, nil where nothing is declared.
    func backingStoreElement(from index: Int) -> XMLElement? {
        guard index < backingChain.count else { return backingChainEnds ? XMLElement("backingStore") : nil }
        let image = backingChain[index]
        let sourceAttribute = DiskType(rawValue: image.type)?.sourceAttribute ?? "file"
        let children = [image.format.map { XMLElement("format", [("type", $0)]) }, XMLElement("source", [(sourceAttribute, image.source)]),
                        backingStoreElement(from: index + 1)].compactMap { $0 }
        return XMLElement("backingStore", [("type", image.type)], children: children)
    }
}
