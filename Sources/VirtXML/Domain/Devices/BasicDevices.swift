import VirtError

/// `<controller type=… index=… model=…>` (`virDomainControllerDef`).
public struct ControllerDevice: Sendable, Equatable {
    /// `type`: `ide`, `scsi`, `sata`, `usb`, `pci`, `virtio-serial`, …
    public var type: String
    /// `index`
    public var index: UInt32? = nil
    /// `model`, e.g. `piix3-uhci`, `pci-root`.
    public var model: String? = nil
    /// `<address>`
    public var address: DeviceAddress? = nil
    /// Unmodelled attributes and children (`ports`, `<driver>`, `<target>`, …).
    public var extras = XMLExtras()
    /// A controller of `type` with `index`.
    public init(type: String, index: UInt32? = 0, model: String? = nil) {
        self.type = type
        self.index = index
        self.model = model
    }
}

/// `<input type=… bus=…>` (`virDomainInputDef`).
public struct InputDevice: Sendable, Equatable {
    /// `type`: `mouse`, `tablet`, `keyboard`, `passthrough`, `evdev`.
    public var type: String
    /// `bus`: `ps2`, `usb`, `virtio`, `xen`, …
    public var bus: String? = nil
    /// `<address>`
    public var address: DeviceAddress? = nil
    /// Unmodelled attributes and children.
    public var extras = XMLExtras()
    /// An input of `type` on `bus`.
    public init(type: String, bus: String? = nil) {
        self.type = type
        self.bus = bus
    }
}

/// `<video><model type=…/></video>` (`virDomainVideoDef`).
public struct VideoDevice: Sendable, Equatable {
    /// `<model type=…>`: `vga`, `cirrus`, `qxl`, `virtio`, `xen`, `none`, …
    public var model: String? = nil
    /// Other `<model>` attributes (`vram`, `heads`, `primary`, …) and children.
    public var modelExtras = XMLExtras()
    /// `<address>`
    public var address: DeviceAddress? = nil
    /// Unmodelled attributes and children.
    public var extras = XMLExtras()
    /// A video device of `model`.
    public init(model: String? = nil) {
        self.model = model
    }
}

/// `<memballoon model=…>` (`virDomainMemballoonDef`).
public struct MemballoonDevice: Sendable, Equatable {
    /// `model`: `virtio`, `xen` or `none`.
    public var model: String
    /// `<address>`
    public var address: DeviceAddress? = nil
    /// Unmodelled attributes and children (`autodeflate`, `<stats>`, …).
    public var extras = XMLExtras()
    /// A balloon of `model`.
    public init(model: String) {
        self.model = model
    }
}

/// `<rng model=…><backend model=…>…</backend></rng>` (`virDomainRNGDef`).
public struct RNGDevice: Sendable, Equatable {
    /// `model`: `virtio`.
    public var model: String
    /// `<backend model=…>`: `random`, `egd` or `builtin`.
    public var backendModel: String
    /// The text of `<backend>` for the random backend, e.g. `/dev/urandom`.
    public var backendPath: String? = nil
    /// Other `<backend>` attributes and children (the egd source, …).
    public var backendExtras = XMLExtras()
    /// `<address>`
    public var address: DeviceAddress? = nil
    /// Unmodelled attributes and children (`<rate>`, …).
    public var extras = XMLExtras()
    /// An rng of `model` fed by `backendModel`.
    public init(model: String = "virtio", backendModel: String = "random", backendPath: String? = nil) {
        self.model = model
        self.backendModel = backendModel
        self.backendPath = backendPath
    }
}

private let deviceTail = ["boot", "alias", "address"]

extension ControllerDevice: DomainDevice {
    var elementName: String { "controller" }
    static let childOrder = ["model", "driver", "target"] + deviceTail
    static let attributeOrder = ["type", "index", "model", "ports", "vectors", "maxGrantFrames", "maxEventChannels"]

    init(xml e: XMLElement) throws(VirError) {
        var r = ElementReader(e)
        guard let type = r.attribute("type") else { throw VirError.xml("missing type attribute in <controller>") }
        self.type = type
        index = try r.unsignedAttribute("index")
        model = r.attribute("model")
        address = r.address()
        extras = r.extras
    }

    func attributes(_ options: DomainFormatOptions) -> [(String, String?)] {
        [("type", type), ("index", index.map { "\($0)" }), ("model", model)]
    }

    func children(_ options: DomainFormatOptions) -> [XMLElement] { [address?.xml].compactMap { $0 } }
}

extension InputDevice: DomainDevice {
    var elementName: String { "input" }
    static let childOrder = ["source", "driver"] + deviceTail

    init(xml e: XMLElement) throws(VirError) {
        var r = ElementReader(e)
        guard let type = r.attribute("type") else { throw VirError.xml("missing input device type in <input>") }
        self.type = type
        bus = r.attribute("bus")
        address = r.address()
        extras = r.extras
    }

    func attributes(_ options: DomainFormatOptions) -> [(String, String?)] { [("type", type), ("bus", bus)] }

    func children(_ options: DomainFormatOptions) -> [XMLElement] { [address?.xml].compactMap { $0 } }
}

extension VideoDevice: DomainDevice {
    var elementName: String { "video" }
    static let childOrder = ["driver", "model"] + deviceTail
    /// `virDomainVideoDefFormat`'s order of `<model>` attributes.
    static let modelAttributeOrder = ["type", "ram", "vram", "vram64", "vgamem", "heads", "primary", "blob"]

    init(xml e: XMLElement) throws(VirError) {
        var r = ElementReader(e)
        let model = r.subelement("model", ["type"])
        (self.model, modelExtras) = (model.values[0], model.extras)
        address = r.address()
        extras = r.extras
    }

    func attributes(_ options: DomainFormatOptions) -> [(String, String?)] { [] }

    func children(_ options: DomainFormatOptions) -> [XMLElement] {
        let modelElement = subelement("model", [("type", model)], extras: modelExtras).map { m in
            XMLElement(m.name, attributes: m.attributes.ordered(by: Self.modelAttributeOrder), children: m.children)
        }
        return [modelElement, address?.xml].compactMap { $0 }
    }
}

extension MemballoonDevice: DomainDevice {
    var elementName: String { "memballoon" }
    static let childOrder = ["stats"] + deviceTail + ["driver"]

    init(xml e: XMLElement) throws(VirError) {
        var r = ElementReader(e)
        guard let model = r.attribute("model") else { throw VirError.xml("balloon memory must contain model name in <memballoon>") }
        self.model = model
        address = r.address()
        extras = r.extras
    }

    func attributes(_ options: DomainFormatOptions) -> [(String, String?)] { [("model", model)] }

    func children(_ options: DomainFormatOptions) -> [XMLElement] { [address?.xml].compactMap { $0 } }
}

extension RNGDevice: DomainDevice {
    var elementName: String { "rng" }
    static let childOrder = ["rate", "backend"] + deviceTail

    init(xml e: XMLElement) throws(VirError) {
        var r = ElementReader(e)
        guard let model = r.attribute("model") else { throw VirError.xml("missing RNG device model in <rng>") }
        self.model = model
        guard let backend = r.child("backend") else { throw VirError.xml("missing RNG device backend in <rng>") }
        var b = ElementReader(backend)
        guard let backendModel = b.attribute("model") else { throw VirError.xml("missing RNG device backend model in <rng>") }
        self.backendModel = backendModel
        if backendModel == "random" {
            let text = backend.text
            backendPath = text.isEmpty ? nil : text
        }
        backendExtras = b.extras
        address = r.address()
        extras = r.extras
    }

    func attributes(_ options: DomainFormatOptions) -> [(String, String?)] { [("model", model)] }

    func children(_ options: DomainFormatOptions) -> [XMLElement] {
        var backend = XMLElement("backend", [("model", backendModel)], extras: backendExtras)
        if let backendPath { backend.children = [.text(backendPath)] }
        return [backend, address?.xml].compactMap { $0 }
    }
}
