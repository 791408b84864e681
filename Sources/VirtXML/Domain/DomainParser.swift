import VirtError

extension DomainDefinition {
    /// The order in which `virDomainDefFormatInternal` writes the children of `<domain>`.
    static let elementOrder = [
        "name", "uuid", "genid", "title", "description", "metadata", "maxMemory", "memory", "currentMemory",
        "blkiotune", "memtune", "memoryBacking", "vcpu", "vcpus", "iothreads", "iothreadids", "defaultiothread",
        "cputune", "numatune", "resource", "sysinfo", "bootloader", "bootloader_args", "os", "idmap", "features",
        "cpu", "clock", "on_poweroff", "on_reboot", "on_crash", "on_lockfailure", "pm", "perf", "devices",
        "seclabel", "keywrap", "launchSecurity",
    ]

    /// Parses and validates a domain document (`virDomainDefParseString`), e.g. for `virDomainDefineXML`.
    ///
    /// Malformed XML gives `VIR_ERR_XML_DETAIL`; a document that is not a valid domain gives
    /// the error libvirt 9.0 reports (`VIR_ERR_XML_ERROR`, `VIR_ERR_NO_NAME`, …).
    public static func parse(_ xml: String) throws(VirError) -> DomainDefinition {
        try DomainDefinition(xml: XMLParser.parse(xml, documentName: "(domain_definition)").root)
    }

    /// Reads and validates a `<domain>` element (`virDomainDefParseNode`), e.g. one embedded in a snapshot.
    public init(xml root: XMLElement) throws(VirError) {
        guard root.name == "domain" else { throw VirError.xml("expecting root element of 'domain', not '\(root.name)'") }
        var r = ElementReader(root)
        guard let type = r.attribute("type") else {
            throw VirError(.internalError, "missing domain type attribute", domain: .domain)
        }
        _ = r.attribute("id")
        guard let name = r.childText("name"), !name.isEmpty else { throw VirError(.noName, domain: .domain) }
        self.init(type: type, name: name, uuid: try Self.uuid(r.childText("uuid")))
        title = r.childText("title")
        if title?.contains("\n") == true { throw VirError.xml("Domain title can't contain newlines") }
        description = r.childText("description")
        metadata = r.child("metadata")
        try readMemory(&r)
        if let e = r.child("blkiotune") { blkiotune = try BlkioTune(xml: e) }
        memtune = try r.child("memtune").map(MemTune.init(xml:))
        if let e = r.child("vcpu") { vcpu = try VCPUConfig(xml: e) }
        if let e = r.child("cputune") { cputune = try CPUTune(xml: e) }
        resource = r.child("resource").map { e in
            var rr = ElementReader(e)
            var resource = ResourceDefinition(partition: rr.childText("partition"))
            resource.extras = rr.extras
            return resource
        }
        guard let osElement = r.child("os") else { throw VirError.xml("an os <type> must be specified") }
        os = try OSDefinition(xml: osElement)
        idmap = try r.child("idmap").map(IDMap.init(xml:)).flatMap { $0.isEmpty ? nil : $0 }
        features = FeatureOrdering.normalized(r.child("features")?.elements ?? [])
        cpu = r.child("cpu").map(FeatureOrdering.cpuElement)
        if let e = r.child("clock") { clock = try ClockDefinition(xml: e) }
        onPoweroff = try Self.lifecycle(&r, "on_poweroff", default: .destroy)
        onReboot = try Self.lifecycle(&r, "on_reboot", default: .restart)
        onCrash = try Self.lifecycle(&r, "on_crash", default: .destroy)
        if let e = r.child("devices") { devices = try DomainDevices(xml: e) }
        seclabels = try r.children("seclabel").map(SecurityLabel.init(xml:))
        unmodeled = r.placedExtras(known: Self.elementOrder)
        extraAttributes = r.extras.attributes
        try validate()
    }

    /// `<uuid>`, or a fresh one (`virUUIDGenerate`) when absent.
    private static func uuid(_ text: String?) throws(VirError) -> DomainUUID {
        guard let text else { return .random() }
        guard let uuid = DomainUUID(text) else {
            throw VirError(.internalError, "malformed uuid element", domain: .domain)
        }
        return uuid
    }

    /// `<maxMemory>`, `<memory>` and `<currentMemory>` (`virDomainDefParseMemory`).
    private mutating func readMemory(_ r: inout ElementReader) throws(VirError) {
        if let e = r.child("maxMemory") {
            var m = ElementReader(e)
            let kib = try MemorySize.kibibytes(e.text, unit: m.attribute("unit"), path: "./maxMemory[1]")
            guard let slots = try m.unsignedAttribute("slots", UInt32.self) else {
                throw VirError.xml("both maximum memory size and memory slot count must be specified in <maxMemory>")
            }
            maxMemory = MaxMemory(kib: kib, slots: slots)
        }
        if let e = r.child("memory") {
            memoryDumpCore = e.attribute("dumpCore")
            memory = try MemorySize.kibibytes(e.text, unit: e.attribute("unit"), path: "./memory[1]")
        }
        currentMemory = try r.memory("currentMemory", parent: nil) ?? 0
        currentMemory = effectiveCurrentMemory
    }

    /// `<on_poweroff>`, `<on_reboot>` or `<on_crash>` (`virDomainEventActionParseXML`).
    private static func lifecycle(_ r: inout ElementReader, _ name: String, default value: LifecycleAction) throws(VirError) -> LifecycleAction {
        guard let text = r.childText(name) else { return value }
        guard let action = LifecycleAction(rawValue: text),
              name == "on_crash" || (action != .coredumpDestroy && action != .coredumpRestart) else {
            throw VirError(.configUnsupported, "unknown \(name) action: \(text)", domain: .domain)
        }
        return action
    }
}
