extension HostCapabilities {
    /// The document as libvirt 9.0's `virCapabilitiesFormatXML` writes it, blank lines included,
    /// ending in `</capabilities>\n`.
    public func format() -> String {
        var w = XMLWriter()
        w.open(XMLElement("capabilities"))
        w.blankLine()
        w.write(hostElement)
        for guest in guests {
            w.blankLine()
            w.write(guest.xml)
        }
        w.blankLine()
        w.close("capabilities")
        return w.string
    }

    /// `virCapabilitiesFormatHostXML`
    private var hostElement: XMLElement {
        var host = XMLElement("host")
        host.appendLeaf("uuid", hostUUID?.description)
        var cpuElement = XMLElement("cpu")
        cpuElement.appendLeaf("arch", cpu.arch)
        if !cpu.features.isEmpty {
            cpuElement.append(XMLElement("features", [], children: cpu.features.map { XMLElement($0) }))
        }
        cpu.extras.forEach { cpuElement.append($0) }
        for size in cpu.pageSizes { cpuElement.append(XMLElement("pages", [("unit", "KiB"), ("size", "\(size)")])) }
        host.append(cpuElement)
        host.append(XMLElement("power_management", [], children: powerManagement.map { XMLElement($0) }))
        if let iommu { host.append(XMLElement("iommu", [("support", iommu ? "yes" : "no")])) }
        if !cells.isEmpty {
            let cellsElement = XMLElement("cells", [("num", "\(cells.count)")], children: cells.map(\.xml))
            host.append(XMLElement("topology", [], children: [cellsElement]))
        }
        for model in securityModels {
            var e = XMLElement("secmodel")
            e.appendLeaf("model", model.model)
            e.appendLeaf("doi", model.doi)
            for label in model.baseLabels { e.append(XMLElement("baselabel", [("type", label.type)]).withText(label.label)) }
            host.append(e)
        }
        return host
    }
}

extension HostCapabilities.Cell {
    /// `virCapabilitiesHostNUMAFormat`'s `<cell>`.
    var xml: XMLElement {
        var cell = XMLElement("cell", [("id", "\(id)")])
        cell.append(XMLElement("memory", [("unit", "KiB")]).withText("\(memoryKiB)"))
        for p in pages { cell.append(XMLElement("pages", [("unit", "KiB"), ("size", "\(p.sizeKiB)")]).withText("\(p.count)")) }
        if !distances.isEmpty {
            cell.append(XMLElement("distances", [], children: distances.map {
                XMLElement("sibling", [("id", "\($0.id)"), ("value", "\($0.value)")])
            }))
        }
        cell.append(XMLElement("cpus", [("num", "\(cpus.count)")], children: cpus.map {
            XMLElement("cpu", [("id", "\($0.id)"), ("socket_id", "\($0.socketID)"), ("die_id", "\($0.dieID)"),
                               ("core_id", "\($0.coreID)"), ("siblings", $0.siblings)])
        }))
        return cell
    }
}

extension HostCapabilities.Guest {
    /// `virCapabilitiesFormatGuestXML`
    var xml: XMLElement {
        var guest = XMLElement("guest")
        guest.appendLeaf("os_type", osType)
        var archElement = XMLElement("arch", [("name", arch)])
        archElement.appendLeaf("wordsize", "\(wordSize)")
        archElement.appendLeaf("emulator", emulator)
        archElement.appendLeaf("loader", loader)
        machines.forEach { archElement.appendLeaf("machine", $0) }
        for domain in domains {
            var d = XMLElement("domain", [("type", domain.type)])
            d.appendLeaf("emulator", domain.emulator)
            domain.machines.forEach { d.appendLeaf("machine", $0) }
            archElement.append(d)
        }
        guest.append(archElement)
        if !features.isEmpty {
            guest.append(XMLElement("features", [], children: features.map {
                XMLElement($0.name, [("default", $0.defaultOn.map { $0 ? "on" : "off" }), ("toggle", $0.toggle.map(\.yesNo))])
            }))
        }
        return guest
    }
}
