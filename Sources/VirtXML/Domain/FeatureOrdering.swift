/// libvirt's canonical layout of `<features>` and `<cpu>`, which SwiftVirt keeps as trees.
enum FeatureOrdering {
    /// `virDomainFeature`, the order in which `virDomainDefFormatFeatures` writes features.
    static let features = ["acpi", "apic", "pae", "hap", "viridian", "privnet", "hyperv", "kvm", "pvspinlock",
                           "capabilities", "pmu", "vmport", "gic", "smm", "ioapic", "hpt", "vmcoreinfo", "htm",
                           "nested-hv", "msrs", "ccf-assist", "xen", "cfpc", "sbbc", "ibs", "tcg", "async-teardown"]

    /// Features that libvirt prints as `<name state='on|off'/>` even when given as `<name/>`.
    static let stateSwitches: Set<String> = ["hap", "pmu", "pvspinlock", "vmport", "vmcoreinfo", "htm", "nested-hv",
                                             "ccf-assist"]

    /// Features in libvirt's order, with `state='on'` made explicit where libvirt prints it.
    static func normalized(_ features: [XMLElement]) -> [XMLElement] {
        features.ordered(by: Self.features).map { feature in
            var f = feature
            if stateSwitches.contains(f.name), f.attribute("state") == nil { f.setAttribute("state", "on") }
            return f
        }
    }

    /// `<features>` with its children in libvirt's order, or `nil` when there are none.
    static func featuresElement(_ features: [XMLElement]) -> XMLElement? {
        guard !features.isEmpty else { return nil }
        return XMLElement("features", attributes: [], children: normalized(features).map(XMLNode.element))
    }

    /// `virCPUDefFormatBuf`'s attribute order.
    static let cpuAttributes = ["mode", "match", "check", "migratable"]
    /// `virCPUDefFormatBuf`'s child order.
    static let cpuChildren = ["model", "vendor", "topology", "cache", "maxphysaddr", "feature", "numa"]

    /// `<cpu>` with its attributes and children in libvirt's order.
    static func cpuElement(_ cpu: XMLElement) -> XMLElement {
        XMLElement(cpu.name, attributes: cpu.attributes.ordered(by: cpuAttributes),
                   children: cpu.elements.ordered(by: cpuChildren).map(XMLNode.element))
    }
}
