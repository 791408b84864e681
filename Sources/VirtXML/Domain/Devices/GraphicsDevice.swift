import VirtError

/// `<graphics>`: a remote or local display (`virDomainGraphicsDef`).
public struct GraphicsDevice: Sendable, Equatable {
    /// `<listen>`: where a display server listens (`virDomainGraphicsListenDef`).
    public struct Listen: Sendable, Equatable {
        /// `type`: `address`, `network`, `socket` or `none`.
        public var type: String
        /// `address`
        public var address: String? = nil
        /// `network`
        public var network: String? = nil
        /// `socket`
        public var socket: String? = nil
        /// A listen of `type` on `address`.
        public init(type: String = "address", address: String? = nil) {
            self.type = type
            self.address = address
        }
    }

    /// `type`: `vnc`, `spice`, `sdl`, `rdp`, `desktop`, `egl-headless`, `dbus`.
    public var type: String
    /// `port` (-1 asks for automatic allocation).
    public var port: Int32? = nil
    /// `autoport`
    public var autoport: Bool? = nil
    /// `passwd`; printed only with `DomainFormatOptions.secure`.
    public var passwd: String? = nil
    /// `keymap`
    public var keymap: String? = nil
    /// `<listen>` children.
    public var listens: [Listen] = []
    /// Unmodelled attributes and children (`sharePolicy`, `<image>`, `<gl>`, …).
    public var extras = XMLExtras()

    /// A display of `type`.
    public init(type: String) {
        self.type = type
    }

    /// The `listen` attribute libvirt prints: the first address listen's address.
    public var listenAddress: String? {
        listens.first { $0.type == "address" && $0.address != nil }?.address
    }
}

/// `virDomainGraphicsType`
enum GraphicsType: String {
    case sdl, vnc, rdp, desktop, spice, eglHeadless = "egl-headless", dbus
}

extension GraphicsDevice: DomainDevice {
    var elementName: String { "graphics" }
    static let childOrder = ["listen", "channel", "image", "jpeg", "zlib", "playback", "streaming", "clipboard", "mouse",
                             "filetransfer", "gl", "audio", "alias", "address"]
    /// The order of `<graphics>` attributes in `virDomainGraphicsDefFormat`.
    static let attributeOrder = ["type", "display", "xauth", "fullscreen", "socket", "port", "tlsPort", "autoport",
                                 "websocket", "multiUser", "replaceUser", "listen", "keymap", "defaultMode",
                                 "sharePolicy", "passwd", "passwdValidTo", "connected"]

    init(xml e: XMLElement) throws(VirError) {
        var r = ElementReader(e)
        guard let kind = try r.enumAttribute("type", GraphicsType.self) else {
            throw VirError.xml("missing graphics device type in <graphics>")
        }
        type = kind.rawValue
        port = try r.signedAttribute("port").map { (value) throws(VirError) in
            guard let port = Int32(exactly: value) else { throw r.invalidAttribute("port", "\(value)") }
            return port
        }
        autoport = try r.yesNoAttribute("autoport")
        passwd = r.attribute("passwd")
        keymap = r.attribute("keymap")
        listens = r.children("listen").map { l in
            var listen = Listen(type: l.attribute("type") ?? "address", address: l.attribute("address"))
            listen.network = l.attribute("network")
            listen.socket = l.attribute("socket")
            return listen
        }
        // virDomainGraphicsListensParseXML: the old listen attribute becomes a <listen> child,
        // and vnc/spice without any listen get an address listen.
        let attribute = r.attribute("listen")
        if let attribute, listenAddress == nil { listens.insert(Listen(address: attribute), at: 0) }
        if listens.isEmpty, kind == .vnc || kind == .spice { listens = [Listen()] }
        if kind == .vnc {
            // virDomainGraphicsDefParseXMLVNC: port -1 and autoport imply each other.
            if port == nil || port == -1 { (port, autoport) = (-1, true) }
            autoport = autoport ?? false
        }
        extras = r.extras
    }

    func attributes(_ options: DomainFormatOptions) -> [(String, String?)] {
        [("type", type), ("port", port.map { "\($0)" }), ("autoport", autoport.map(\.yesNo)),
         ("listen", listenAddress), ("keymap", keymap), ("passwd", options.secure ? passwd : nil)]
    }

    func children(_ options: DomainFormatOptions) -> [XMLElement] {
        listens.map { l in
            XMLElement("listen", [("type", l.type), ("address", l.address), ("network", l.network), ("socket", l.socket)])
        }
    }
}
