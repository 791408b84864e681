import VirtError

/// `<vcpu placement=… cpuset=… current=…>N</vcpu>`.
public struct VCPUConfig: Sendable, Equatable {
    /// The maximum number of vcpus (the element's text).
    public var maximum: UInt32 = 1
    /// The number online at boot (`current`); equals `maximum` when absent.
    public var current: UInt32 = 1
    /// `static` or `auto`.
    public var placement: String = "static"
    /// The default host cpuset, in libvirt's canonical range syntax ("1-2,4").
    public var cpuset: String? = nil
    /// A single vcpu.
    public init() {}
}

/// `<cputune>`: shares, bandwidth and per-vcpu pinning.
public struct CPUTune: Sendable, Equatable {
    /// `<shares>`
    public var shares: UInt64? = nil
    /// `<period>` in µs.
    public var period: UInt64? = nil
    /// `<quota>` in µs (may be negative: -1 is unlimited).
    public var quota: Int64? = nil
    /// `<global_period>` in µs.
    public var globalPeriod: UInt64? = nil
    /// `<global_quota>` in µs.
    public var globalQuota: Int64? = nil
    /// `<emulator_period>` in µs.
    public var emulatorPeriod: UInt64? = nil
    /// `<emulator_quota>` in µs.
    public var emulatorQuota: Int64? = nil
    /// `<iothread_period>` in µs.
    public var iothreadPeriod: UInt64? = nil
    /// `<iothread_quota>` in µs.
    public var iothreadQuota: Int64? = nil
    /// `<vcpupin vcpu=N cpuset=…/>`, by vcpu number; cpusets in canonical range syntax.
    public var vcpuPins: [UInt32: String] = [:]
    /// `<emulatorpin cpuset=…/>`
    public var emulatorPin: String? = nil
    /// Unmodelled children (`<iothreadpin>`, `<vcpusched>`, `<cachetune>`, …), written last.
    public var extras = XMLExtras()
    /// Nothing tuned.
    public init() {}
    /// Whether the element would be empty.
    public var isEmpty: Bool { self == CPUTune() }
}

/// `<memtune>`: limits in KiB.
public struct MemTune: Sendable, Equatable {
    /// `<hard_limit>`
    public var hardLimit: UInt64? = nil
    /// `<soft_limit>`
    public var softLimit: UInt64? = nil
    /// `<swap_hard_limit>`
    public var swapHardLimit: UInt64? = nil
    /// `<min_guarantee>`
    public var minGuarantee: UInt64? = nil
    /// Nothing tuned.
    public init() {}
}

/// `<blkiotune>`: block I/O weights and throttles. As in libvirt, 0 means unset: zero
/// values are dropped at parse time and never formatted.
public struct BlkioTune: Sendable, Equatable {
    /// `<blkiotune><device>`: per-host-device tuning (`virBlkioDevice`).
    public struct Device: Sendable, Equatable {
        /// `<path>`
        public var path: String
        /// `<weight>`
        public var weight: UInt32? = nil
        /// `<read_iops_sec>`
        public var readIopsSec: UInt32? = nil
        /// `<write_iops_sec>`
        public var writeIopsSec: UInt32? = nil
        /// `<read_bytes_sec>`
        public var readBytesSec: UInt64? = nil
        /// `<write_bytes_sec>`
        public var writeBytesSec: UInt64? = nil
        /// Tuning for the host device at `path`.
        public init(path: String) { self.path = path }

        /// Whether any setting is present (libvirt omits a device without one).
        public var isTuned: Bool {
            weight != nil || readIopsSec != nil || writeIopsSec != nil || readBytesSec != nil || writeBytesSec != nil
        }
    }

    /// `<weight>`
    public var weight: UInt32? = nil
    /// `<device>` entries in order, paths unique.
    public var devices: [Device] = []
    /// Nothing tuned.
    public init() {}
}

// MARK: - XML

extension VCPUConfig {
    init(xml e: XMLElement) throws(VirError) {
        var r = ElementReader(e)
        guard let maximum = parseUnsigned(e.text, UInt32.self) else {
            throw VirError.xml("maximum vcpus count must be an integer")
        }
        self.maximum = maximum
        if let text = r.attribute("current") {
            guard let current = parseUnsigned(text, UInt32.self) else {
                throw VirError.xml("current vcpus count must be an integer")
            }
            self.current = current
        } else {
            self.current = maximum
        }
        placement = try r.enumAttribute("placement", VCPUPlacement.self)?.rawValue ?? "static"
        cpuset = try r.attribute("cpuset").map { (s) throws(VirError) in
            try CPUSet.parse(s, attribute: "cpuset", element: "vcpu").description
        }
    }

    var xml: XMLElement {
        XMLElement("vcpu", [("placement", placement), ("cpuset", cpuset), ("current", current == maximum ? nil : "\(current)")],
                   children: []).withText("\(maximum)")
    }
}

/// `virDomainCpuPlacementMode`
enum VCPUPlacement: String {
    case `static`, auto
}

extension CPUTune {
    init(xml e: XMLElement) throws(VirError) {
        var r = ElementReader(e)
        shares = try r.scalar("shares")
        period = try r.scalar("period")
        quota = try r.scalar("quota")
        globalPeriod = try r.scalar("global_period")
        globalQuota = try r.scalar("global_quota")
        emulatorPeriod = try r.scalar("emulator_period")
        emulatorQuota = try r.scalar("emulator_quota")
        iothreadPeriod = try r.scalar("iothread_period")
        iothreadQuota = try r.scalar("iothread_quota")
        for pin in r.children("vcpupin") {
            var p = ElementReader(pin)
            guard let vcpu = try p.unsignedAttribute("vcpu", UInt32.self) else {
                throw VirError.xml("missing vcpu id in <vcpupin>")
            }
            guard vcpuPins[vcpu] == nil else { throw VirError.xml("duplicate vcpupin for vcpu '\(vcpu)'") }
            guard let cpuset = p.attribute("cpuset") else { throw VirError.xml("missing cpuset for <vcpupin>") }
            vcpuPins[vcpu] = try CPUSet.parse(cpuset, attribute: "cpuset", element: "vcpupin").description
        }
        if let pin = r.child("emulatorpin") {
            guard let cpuset = pin.attribute("cpuset") else { throw VirError.xml("missing cpuset for <emulatorpin>") }
            emulatorPin = try CPUSet.parse(cpuset, attribute: "cpuset", element: "emulatorpin").description
        }
        extras = r.extras
    }

    var xml: XMLElement? {
        guard !isEmpty else { return nil }
        var e = XMLElement("cputune", attributes: extras.attributes)
        e.appendLeaf("shares", shares.map { "\($0)" })
        e.appendLeaf("period", period.map { "\($0)" })
        e.appendLeaf("quota", quota.map { "\($0)" })
        e.appendLeaf("global_period", globalPeriod.map { "\($0)" })
        e.appendLeaf("global_quota", globalQuota.map { "\($0)" })
        e.appendLeaf("emulator_period", emulatorPeriod.map { "\($0)" })
        e.appendLeaf("emulator_quota", emulatorQuota.map { "\($0)" })
        e.appendLeaf("iothread_period", iothreadPeriod.map { "\($0)" })
        e.appendLeaf("iothread_quota", iothreadQuota.map { "\($0)" })
        for vcpu in vcpuPins.keys.sorted() {
            e.append(XMLElement("vcpupin", [("vcpu", "\(vcpu)"), ("cpuset", vcpuPins[vcpu])]))
        }
        if let emulatorPin { e.append(XMLElement("emulatorpin", [("cpuset", emulatorPin)])) }
        for x in extras.elements { e.append(x) }
        return e
    }
}

extension MemTune {
    /// libvirt's `VIR_DOMAIN_MEMORY_PARAM_UNLIMITED` in KiB: limits at or above it are not printed.
    static let unlimited: UInt64 = 9_007_199_254_740_991

    init(xml e: XMLElement) throws(VirError) {
        var r = ElementReader(e)
        hardLimit = try r.memory("hard_limit", parent: "memtune")
        softLimit = try r.memory("soft_limit", parent: "memtune")
        minGuarantee = try r.memory("min_guarantee", parent: "memtune")
        swapHardLimit = try r.memory("swap_hard_limit", parent: "memtune")
    }

    var xml: XMLElement? {
        var e = XMLElement("memtune")
        for (name, value) in [("hard_limit", hardLimit), ("soft_limit", softLimit),
                              ("min_guarantee", minGuarantee), ("swap_hard_limit", swapHardLimit)] {
            if let value, value < Self.unlimited {
                e.append(XMLElement(name, attributes: [XMLAttribute("unit", "KiB")], text: "\(value)"))
            }
        }
        return e.children.isEmpty ? nil : e
    }
}

extension BlkioTune {
    /// `virDomainBlkioDeviceParseXML` and the duplicate-path check of `virDomainDefTunablesValidate`,
    /// with libvirt's `VIR_ERR_CONFIG_UNSUPPORTED` messages.
    init(xml e: XMLElement) throws(VirError) {
        var r = ElementReader(e)
        weight = try r.scalar("weight").flatMap(Self.nonZero)
        for d in r.children("device") {
            var dr = ElementReader(d)
            guard let path = dr.childText("path") else {
                throw VirError(.configUnsupported, "missing per-device path", domain: .domain)
            }
            guard !devices.contains(where: { $0.path == path }) else {
                throw VirError(.configUnsupported, "duplicate blkio device path '\(path)'", domain: .domain)
            }
            var device = Device(path: path)
            device.weight = try Self.setting(&dr, "weight", "weight")
            device.readBytesSec = try Self.setting(&dr, "read_bytes_sec", "read bytes sec")
            device.writeBytesSec = try Self.setting(&dr, "write_bytes_sec", "write bytes sec")
            device.readIopsSec = try Self.setting(&dr, "read_iops_sec", "read iops sec")
            device.writeIopsSec = try Self.setting(&dr, "write_iops_sec", "write iops sec")
            devices.append(device)
        }
    }

    /// The number in child `name` of a `<device>`, nil when absent or 0; "could not parse
    /// `what` TEXT" when it is not one.
    private static func setting<T: FixedWidthInteger>(_ reader: inout ElementReader, _ name: String, _ what: String) throws(VirError) -> T? {
        guard let text = reader.childText(name) else { return nil }
        guard let value = T(text.trimmingBlanks) else {
            throw VirError(.configUnsupported, "could not parse \(what) \(text)", domain: .domain)
        }
        return nonZero(value)
    }

    private static func nonZero<T: FixedWidthInteger>(_ value: T) -> T? { value == 0 ? nil : value }

    /// `virDomainDefFormatBlkiotune`: devices without a setting are left out.
    var xml: XMLElement? {
        var e = XMLElement("blkiotune")
        e.appendLeaf("weight", weight.map { "\($0)" })
        for d in devices where d.isTuned {
            var de = XMLElement("device")
            de.appendLeaf("path", d.path)
            de.appendLeaf("weight", d.weight.map { "\($0)" })
            de.appendLeaf("read_iops_sec", d.readIopsSec.map { "\($0)" })
            de.appendLeaf("write_iops_sec", d.writeIopsSec.map { "\($0)" })
            de.appendLeaf("read_bytes_sec", d.readBytesSec.map { "\($0)" })
            de.appendLeaf("write_bytes_sec", d.writeBytesSec.map { "\($0)" })
            e.append(de)
        }
        return e.children.isEmpty ? nil : e
    }
}

extension ElementReader {
    /// The integer text of child `name` (`virXPathULongLong`/`virXPathLongLong`).
    mutating func scalar<T: FixedWidthInteger>(_ name: String) throws(VirError) -> T? {
        guard let text = childText(name) else { return nil }
        guard let value = T(text.trimmingBlanks) else {
            throw VirError.xml("invalid value '\(text)' for <\(name)> in <\(element.name)>")
        }
        return value
    }

    /// The size in KiB of child `name` with its `unit` attribute (`virDomainParseMemory`).
    mutating func memory(_ name: String, parent: String?) throws(VirError) -> UInt64? {
        guard let e = child(name) else { return nil }
        let path = (parent.map { "./\($0)[1]/" } ?? "./") + "\(name)[1]"
        return try MemorySize.kibibytes(e.text, unit: e.attribute("unit"), path: path)
    }
}

extension XMLElement {
    /// This element with `text` as its only content.
    func withText(_ text: String) -> XMLElement {
        var copy = self
        copy.children = [.text(text)]
        return copy
    }
}
