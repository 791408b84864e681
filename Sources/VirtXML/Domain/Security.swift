import VirtError

/// `<idmap>`: user and group namespace mappings of a container (`virDomainIdMapDef`),
/// each list sorted by `start` as libvirt keeps them.
public struct IDMap: Sendable, Equatable {
    /// One `<uid>` or `<gid>` range.
    public struct Entry: Sendable, Equatable {
        /// `start`: the first id inside the container.
        public var start: UInt32
        /// `target`: the host id `start` maps to.
        public var target: UInt32
        /// `count`: how many ids are mapped.
        public var count: UInt32
        /// The range `start..<start+count` mapped onto `target…`.
        public init(start: UInt32, target: UInt32, count: UInt32) {
            self.start = start
            self.target = target
            self.count = count
        }
    }

    /// `<uid>` ranges.
    public var uids: [Entry] = []
    /// `<gid>` ranges.
    public var gids: [Entry] = []
    /// No mapping.
    public init(uids: [Entry] = [], gids: [Entry] = []) {
        self.uids = uids
        self.gids = gids
    }
}

/// `<seclabel>`: a security driver's label for the domain (`virSecurityLabelDef`).
public struct SecurityLabel: Sendable, Equatable {
    /// `type`: `dynamic`, `static` or `none`.
    public var type: String
    /// `model`: `selinux`, `apparmor`, `dac`, …
    public var model: String? = nil
    /// `relabel`; defaults to `no` for static labels and `yes` otherwise.
    public var relabel: Bool
    /// `<label>`
    public var label: String? = nil
    /// `<imagelabel>` (live XML only).
    public var imageLabel: String? = nil
    /// `<baselabel>`
    public var baseLabel: String? = nil
    /// A label of `type` for `model`.
    public init(type: String, model: String? = nil) {
        self.type = type
        self.model = model
        self.relabel = type != "static"
    }
}

/// `virDomainSeclabelType`
enum SecurityLabelType: String {
    case dynamic, `static`, none
}

extension IDMap {
    init(xml e: XMLElement) throws(VirError) {
        var r = ElementReader(e)
        uids = try r.children("uid").map(Self.entry).sorted { $0.start < $1.start }
        gids = try r.children("gid").map(Self.entry).sorted { $0.start < $1.start }
        guard uids.isEmpty == gids.isEmpty else {
            throw VirError(.configUnsupported, "uid and gid should be mapped both", domain: .domain)
        }
        if uids.first.map({ $0.start != 0 }) ?? false || gids.first.map({ $0.start != 0 }) ?? false {
            throw VirError(.configUnsupported, "You must map the root user of container", domain: .domain)
        }
    }

    /// Whether it maps nothing (`<idmap/>`, which means no user namespace).
    public var isEmpty: Bool { uids.isEmpty && gids.isEmpty }

    private static func entry(_ e: XMLElement) throws(VirError) -> Entry {
        var r = ElementReader(e)
        guard let start = try r.unsignedAttribute("start", UInt32.self),
              let target = try r.unsignedAttribute("target", UInt32.self),
              let count = try r.unsignedAttribute("count", UInt32.self) else {
            throw VirError.xml("invalid idmap start/target/count settings in <\(e.name)>")
        }
        return Entry(start: start, target: target, count: count)
    }

    var xml: XMLElement {
        func entries(_ name: String, _ list: [Entry]) -> [XMLElement] {
            list.map { XMLElement(name, [("start", "\($0.start)"), ("target", "\($0.target)"), ("count", "\($0.count)")]) }
        }
        return XMLElement("idmap", [], children: entries("uid", uids) + entries("gid", gids))
    }
}

extension SecurityLabel {
    init(xml e: XMLElement) throws(VirError) {
        var r = ElementReader(e)
        let type = try r.enumAttribute("type", SecurityLabelType.self) ?? .dynamic
        self.init(type: type.rawValue, model: r.attribute("model"))
        if let relabel = try r.yesNoAttribute("relabel") {
            if type == .dynamic, !relabel { throw VirError.xml("dynamic label type must use resource relabeling in <seclabel>") }
            if type == .none, relabel { throw VirError.xml("resource relabeling is not compatible with 'none' label type in <seclabel>") }
            self.relabel = relabel
        }
        if type == .none { self.relabel = false }
        label = r.childText("label")
        imageLabel = r.childText("imagelabel")
        baseLabel = r.childText("baselabel")
        if type == .static, label == nil { throw VirError.xml("security label is missing in <seclabel>") }
    }

    /// `virSecurityLabelDefFormat`: dynamic labels and image labels are live-only.
    func xml(_ options: DomainFormatOptions) -> XMLElement {
        guard type != "none" else { return XMLElement("seclabel", [("type", type), ("model", model)]) }
        var children: [XMLElement] = []
        if let label, type == "static" || !options.inactive { children.append(XMLElement("label", text: label)) }
        if let imageLabel, !options.inactive { children.append(XMLElement("imagelabel", text: imageLabel)) }
        if let baseLabel { children.append(XMLElement("baselabel", text: baseLabel)) }
        return XMLElement("seclabel", [("type", type), ("model", model), ("relabel", relabel.yesNo)], children: children)
    }
}
