import VirtError

extension DomainSnapshotDefinition {
    /// Parses and validates `<domainsnapshot>` (`virDomainSnapshotDefParseString`).
    ///
    /// With `redefine` (`VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE`) the name, state and creation
    /// time are required and the embedded domain is read, as libvirt does.
    public static func parse(_ xml: String, redefine: Bool = false) throws(VirError) -> DomainSnapshotDefinition {
        try parse(root: try document(xml), redefine: redefine)
    }

    /// Parses libvirt's on-disk snapshot metadata (`VIR_DOMAIN_SNAPSHOT_PARSE_INTERNAL`): a
    /// redefinition plus `<active>`, whether it is the domain's current snapshot.
    public static func parseMetadata(_ xml: String) throws(VirError) -> (snapshot: DomainSnapshotDefinition, isCurrent: Bool) {
        let root = try document(xml)
        return (try parse(root: root, redefine: true), root.child("active")?.text.trimmingBlanks == "1")
    }

    private static func document(_ xml: String) throws(VirError) -> XMLElement {
        try XMLParser.parse(xml, documentName: "(domain_snapshot)", errorDomain: .domainSnapshot).root
    }

    private static func parse(root: XMLElement, redefine: Bool) throws(VirError) -> DomainSnapshotDefinition {
        guard root.name == "domainsnapshot" else {
            throw error(.xmlError, "expecting root element of 'domainsnapshot', not '\(root.name)'")
        }
        var r = ElementReader(root)
        var def = DomainSnapshotDefinition(name: r.childText("name"))
        def.description = r.childText("description")
        var offline = false
        if redefine {
            guard def.name != nil else { throw error(.xmlError, "a redefined snapshot must have a name") }
            guard let time = r.childText("creationTime"), let seconds = Int64(time.trimmingBlanks) else {
                throw error(.internalError, "missing creationTime from existing snapshot")
            }
            def.creationTime = seconds
            def.parent = r.child("parent")?.child("name")?.text
            guard let stateText = r.childText("state") else { throw error(.xmlError, "missing state from existing snapshot") }
            guard let state = State(rawValue: stateText), state != .noState else {
                throw error(.configUnsupported, "Invalid state '\(stateText)' in domain snapshot XML")
            }
            def.state = state
            offline = state == .shutoff || state == .diskSnapshot
            if let domain = r.child("domain"), domain.attribute("type") != nil {
                def.domain = try DomainDefinition(xml: domain)
            }
            if let inactive = r.child("inactiveDomain") {
                var renamed = inactive
                renamed.name = "domain"
                def.inactiveDomain = try DomainDefinition(xml: renamed)
            }
        }
        try def.readMemory(&r, redefine: redefine, offline: offline)
        def.disks = try (r.child("disks")?.elements ?? []).map(Self.disk)
        return def
    }

    /// `<memory snapshot=… file=…>` with libvirt's consistency checks.
    private mutating func readMemory(_ r: inout ElementReader, redefine: Bool, offline: Bool) throws(VirError) {
        if let e = r.child("memory") {
            var m = ElementReader(e)
            memoryFile = m.attribute("file")
            memory = try m.enumAttribute("snapshot", Location.self)
            if memory == .manual { throw Self.error(.xmlError, "'manual' memory snapshot mode not supported") }
        }
        if memory == nil {
            if memoryFile != nil { memory = .external } else if redefine { memory = offline ? .no : .internal }
        }
        if let memoryFile, memory != .external {
            throw Self.error(.xmlError, "memory filename '\(memoryFile)' requires external snapshot")
        }
        if memoryFile == nil, memory == .external {
            throw Self.error(.xmlError, "external memory snapshots require a filename")
        }
        if offline, memory != nil, memory != Location.no {
            throw Self.error(.xmlError, "memory state cannot be saved with offline or disk-only snapshot")
        }
        if let memoryFile, !memoryFile.hasPrefix("/") {
            throw Self.error(.xmlError, "memory snapshot file path (\(memoryFile)) must be absolute")
        }
    }

    /// One `<disks><disk>` (`virDomainSnapshotDiskDefParseXML`).
    private static func disk(_ e: XMLElement) throws(VirError) -> Disk {
        var r = ElementReader(e)
        guard let name = r.attribute("name") else { throw error(.internalError, "missing name from disk snapshot element") }
        var disk = Disk(name: name, snapshot: try r.enumAttribute("snapshot", Location.self))
        disk.sourceType = r.attribute("type") ?? "file"
        guard ["file", "block", "network"].contains(disk.sourceType) else {
            throw error(.xmlError, "unsupported disk snapshot type '\(disk.sourceType)'")
        }
        disk.source = r.child("source").flatMap { $0.attribute("file") ?? $0.attribute("dev") }
        disk.driverType = r.child("driver")?.attribute("type")
        if let source = disk.source, disk.sourceType != "network", !source.hasPrefix("/") {
            throw error(.xmlError, "disk snapshot image path '\(source)' must be absolute")
        }
        if disk.snapshot == nil, disk.source != nil || disk.driverType != nil { disk.snapshot = .external }
        return disk
    }

    private static func error(_ code: ErrorCode, _ message: String) -> VirError {
        VirError(code, message, domain: .domainSnapshot)
    }

    /// The document as libvirt 9.0's `virDomainSnapshotDefFormat` writes it, ending in `</domainsnapshot>\n`.
    public func format(_ options: SnapshotFormatOptions = .init()) -> String {
        var w = XMLWriter()
        w.open(XMLElement("domainsnapshot"))
        var head: [XMLElement] = []
        if let name { head.append(XMLElement("name", text: name)) }
        if let description { head.append(XMLElement("description", text: description)) }
        if let state { head.append(XMLElement("state", text: state.rawValue)) }
        if let parent { head.append(XMLElement("parent", [], children: [XMLElement("name", text: parent)])) }
        if let creationTime, creationTime != 0 { head.append(XMLElement("creationTime", text: "\(creationTime)")) }
        if let memory { head.append(XMLElement("memory", [("snapshot", memory.rawValue), ("file", memoryFile)])) }
        if !disks.isEmpty { head.append(XMLElement("disks", [], children: disks.map(\.xml))) }
        head.forEach { w.write($0) }
        let domainOptions = DomainFormatOptions(secure: options.secure, inactive: true)
        if options.includeDomain, let domain {
            domain.write(to: &w, domainOptions)
        } else if let uuid = options.domainUUID {
            w.write(XMLElement("domain", [], children: [XMLElement("uuid", text: uuid.description)]))
        }
        if options.includeDomain, let inactiveDomain {
            inactiveDomain.write(to: &w, domainOptions, rootName: "inactiveDomain")
        }
        if let active = options.active { w.write(XMLElement("active", text: active ? "1" : "0")) }
        w.close("domainsnapshot")
        return w.string
    }
}

extension DomainSnapshotDefinition.Disk {
    /// `virDomainSnapshotDiskDefFormat`
    var xml: XMLElement {
        let hasImage = source != nil || driverType != nil
        var children: [XMLElement] = []
        if hasImage {
            if let driverType { children.append(XMLElement("driver", [("type", driverType)])) }
            if let source { children.append(XMLElement("source", [(sourceType == "block" ? "dev" : "file", source)])) }
        }
        return XMLElement("disk", [("name", name), ("snapshot", snapshot?.rawValue), ("type", hasImage ? sourceType : nil)],
                          children: children)
    }
}
