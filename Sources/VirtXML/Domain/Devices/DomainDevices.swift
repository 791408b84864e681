import VirtError

/// `<devices>`: everything attached to the guest, grouped by kind as in `virDomainDef`.
public struct DomainDevices: Sendable, Equatable {
    /// `<emulator>`
    public var emulator: String? = nil
    /// `<disk>` elements.
    public var disks: [DiskDevice] = []
    /// `<controller>` elements.
    public var controllers: [ControllerDevice] = []
    /// `<filesystem>` elements.
    public var filesystems: [FilesystemDevice] = []
    /// `<interface>` elements.
    public var interfaces: [InterfaceDevice] = []
    /// `<serial>` elements.
    public var serials: [CharacterDevice] = []
    /// `<parallel>` elements.
    public var parallels: [CharacterDevice] = []
    /// `<console>` elements.
    public var consoles: [CharacterDevice] = []
    /// `<channel>` elements.
    public var channels: [CharacterDevice] = []
    /// `<input>` elements.
    public var inputs: [InputDevice] = []
    /// `<graphics>` elements.
    public var graphics: [GraphicsDevice] = []
    /// `<video>` elements.
    public var videos: [VideoDevice] = []
    /// `<memballoon>`
    public var memballoon: MemballoonDevice? = nil
    /// `<rng>` elements.
    public var rngs: [RNGDevice] = []
    /// Devices SwiftVirt does not model (`<hostdev>`, `<sound>`, `<watchdog>`, …), kept verbatim.
    public var other: [PlacedElement] = []
    /// Unmodelled attributes of `<devices>`.
    public var extraAttributes: [XMLAttribute] = []

    /// No devices.
    public init() {}

    /// The order in which `virDomainDefFormatInternal` writes devices.
    static let order = ["emulator", "disk", "controller", "lease", "filesystem", "interface", "smartcard", "serial",
                        "parallel", "console", "channel", "input", "tpm", "graphics", "sound", "audio", "video",
                        "hostdev", "redirdev", "redirfilter", "hub", "watchdog", "memballoon", "rng", "nvram",
                        "panic", "shmem", "memory", "iommu", "vsock", "crypto"]
}

extension DomainDevices {
    init(xml e: XMLElement) throws(VirError) {
        var r = ElementReader(e)
        emulator = r.childText("emulator")
        disks = try r.children("disk").map(DiskDevice.init(xml:))
        controllers = try r.children("controller").map(ControllerDevice.init(xml:))
        filesystems = try r.children("filesystem").map(FilesystemDevice.init(xml:))
        interfaces = try r.children("interface").map(InterfaceDevice.init(xml:))
        serials = try r.children("serial").map(CharacterDevice.init(xml:))
        parallels = try r.children("parallel").map(CharacterDevice.init(xml:))
        consoles = try r.children("console").map(CharacterDevice.init(xml:))
        channels = try r.children("channel").map(CharacterDevice.init(xml:))
        inputs = try r.children("input").map(InputDevice.init(xml:))
        graphics = try r.children("graphics").map(GraphicsDevice.init(xml:))
        videos = try r.children("video").map(VideoDevice.init(xml:))
        memballoon = try r.child("memballoon").map(MemballoonDevice.init(xml:))
        rngs = try r.children("rng").map(RNGDevice.init(xml:))
        other = r.placedExtras(known: Self.order)
        extraAttributes = r.extras.attributes
    }

    func xml(_ options: DomainFormatOptions) -> XMLElement {
        let children = writeInOrder(Self.order, placed: other) { name in
            switch name {
            case "emulator": emulator.map { [XMLElement("emulator", text: $0)] } ?? []
            case "disk": disks.map { $0.xml(options) }
            case "controller": controllers.map { $0.xml(options) }
            case "filesystem": filesystems.map { $0.xml(options) }
            case "interface": interfaces.map { $0.xml(options) }
            case "serial": serials.map { $0.xml(options) }
            case "parallel": parallels.map { $0.xml(options) }
            case "console": consoles.map { $0.xml(options) }
            case "channel": channels.map { $0.xml(options) }
            case "input": inputs.map { $0.xml(options) }
            case "graphics": graphics.map { $0.xml(options) }
            case "video": videos.map { $0.xml(options) }
            case "memballoon": memballoon.map { [$0.xml(options)] } ?? []
            case "rng": rngs.map { $0.xml(options) }
            default: []
            }
        }
        return XMLElement("devices", attributes: extraAttributes, children: children.map(XMLNode.element))
    }
}
