extension DomainDefinition {
    /// The domain document as libvirt 9.0's `virDomainDefFormat` writes it, ending in `</domain>\n`.
    ///
    /// SwiftVirt's formatter adds no defaults: it prints what the definition holds.
    public func format(_ options: DomainFormatOptions = .init()) -> String {
        var writer = XMLWriter()
        write(to: &writer, options)
        return writer.string
    }

    /// Writes `<domain>` (or another root name, as `virDomainDefFormatInternalSetRootName`
    /// does for a snapshot's `<inactiveDomain>`) at the writer's indentation.
    func write(to writer: inout XMLWriter, _ options: DomainFormatOptions, rootName: String = "domain") {
        let id = options.inactive ? nil : options.id.map { "\($0)" }
        writer.open(XMLElement(rootName, [("type", type), ("id", id)], extras: XMLExtras(attributes: extraAttributes)))
        for child in writeInOrder(Self.elementOrder, placed: unmodeled, emit: { section($0, options) }) {
            if child.name == "devices", child.children.isEmpty {
                // libvirt writes <devices> as an open and a close tag even when it is empty.
                writer.open(child)
                writer.close(child.name)
            } else {
                writer.write(child, style: child.name == "metadata" ? .libxml : .libvirt)
            }
        }
        writer.close(rootName)
    }

    /// The modelled content written where libvirt writes the element `name`.
    private func section(_ name: String, _ options: DomainFormatOptions) -> [XMLElement] {
        func leaf(_ text: String?) -> [XMLElement] { text.map { [XMLElement(name, text: $0)] } ?? [] }
        func kib(_ value: UInt64, _ attributes: [(String, String?)] = []) -> [XMLElement] {
            [XMLElement(name, attributes + [("unit", "KiB")]).withText("\(value)")]
        }
        switch name {
        case "name": return leaf(self.name)
        case "uuid": return leaf(uuid.description)
        case "title": return leaf(title)
        case "description": return leaf(description)
        case "metadata": return metadata.map { [$0] } ?? []
        case "maxMemory": return maxMemory.map { kib($0.kib, [("slots", "\($0.slots)")]) } ?? []
        case "memory": return kib(memory, [("dumpCore", memoryDumpCore)])
        case "currentMemory": return kib(effectiveCurrentMemory)
        case "blkiotune": return blkiotune.xml.map { [$0] } ?? []
        case "memtune": return memtune?.xml.map { [$0] } ?? []
        case "vcpu": return [vcpu.xml]
        case "cputune": return cputune.xml.map { [$0] } ?? []
        case "resource":
            return resource.map { [XMLElement("resource", [], extras: $0.extras,
                                              children: $0.partition.map { [XMLElement("partition", text: $0)] } ?? [])] } ?? []
        case "os": return [os.xml]
        case "idmap": return idmap.map { [$0.xml] } ?? []
        case "features": return FeatureOrdering.featuresElement(features).map { [$0] } ?? []
        case "cpu": return cpu.map { [FeatureOrdering.cpuElement($0)] } ?? []
        case "clock": return [clock.xml]
        case "on_poweroff": return leaf(onPoweroff.rawValue)
        case "on_reboot": return leaf(onReboot.rawValue)
        case "on_crash": return leaf(onCrash.rawValue)
        case "devices": return [devices.xml(options)]
        case "seclabel": return seclabels.map { $0.xml(options) }
        default: return []
        }
    }
}
