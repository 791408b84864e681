import VirtXML

/// A bitmap of host CPUs, one bit per CPU, 8 CPUs per byte, CPU 0 in the low bit of
/// byte 0: the `cpumap` of `virDomainPinVcpu` and `virDomainGetVcpus`.
///
/// Swift equivalents of libvirt's macros: `VIR_CPU_MAPLEN` is ``CPUMap/length(forCPUs:)``,
/// `VIR_USE_CPU` is ``use(_:)``, `VIR_UNUSE_CPU` is ``unuse(_:)``, `VIR_CPU_USABLE` is
/// ``isUsable(_:)``, and `VIR_GET_CPUMAP` / `VIR_COPY_CPUMAP` are ``row(_:of:mapLength:)``.
public struct CPUMap: Sendable, Hashable, CustomStringConvertible {
    /// The raw bytes (`maplen` of them).
    public var bytes: [UInt8]

    /// Wraps raw bytes, as a caller of `virDomainPinVcpu` passes them.
    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// An empty map able to hold `cpus` CPUs.
    public init(cpus: Int) { bytes = [UInt8](repeating: 0, count: Self.length(forCPUs: cpus)) }

    /// A map of `cpus` CPUs with every one usable.
    public static func all(_ cpus: Int) -> CPUMap {
        var map = CPUMap(cpus: cpus)
        for cpu in 0..<cpus { map.use(cpu) }
        return map
    }

    /// `VIR_CPU_MAPLEN(cpus)`: the bytes needed for `cpus` CPUs.
    public static func length(forCPUs cpus: Int) -> Int { (cpus + 7) / 8 }

    /// `VIR_USE_CPU`: marks `cpu` usable, growing the map if needed.
    public mutating func use(_ cpu: Int) {
        let index = cpu / 8
        if index >= bytes.count { bytes += [UInt8](repeating: 0, count: index - bytes.count + 1) }
        bytes[index] |= 1 << UInt8(cpu % 8)
    }

    /// `VIR_UNUSE_CPU`: marks `cpu` unusable.
    public mutating func unuse(_ cpu: Int) {
        let index = cpu / 8
        guard index < bytes.count else { return }
        bytes[index] &= ~(1 << UInt8(cpu % 8))
    }

    /// `VIR_CPU_USABLE`: whether `cpu` is usable.
    public func isUsable(_ cpu: Int) -> Bool {
        let index = cpu / 8
        return index < bytes.count && bytes[index] & (1 << UInt8(cpu % 8)) != 0
    }

    /// `VIR_GET_CPUMAP` / `VIR_COPY_CPUMAP`: the row of vcpu `vcpu` in a `cpumaps` array of
    /// rows `mapLength` bytes long.
    public static func row(_ vcpu: Int, of cpumaps: [UInt8], mapLength: Int) -> CPUMap {
        let start = vcpu * mapLength
        guard start >= 0, mapLength > 0, start + mapLength <= cpumaps.count else { return CPUMap(bytes: []) }
        return CPUMap(bytes: Array(cpumaps[start..<(start + mapLength)]))
    }

    /// The usable CPUs, ascending.
    public var cpus: [Int] { (0..<(bytes.count * 8)).filter(isUsable) }

    /// The map truncated or zero-padded to `length` bytes.
    public func resized(to length: Int) -> CPUMap {
        if length <= bytes.count { return CPUMap(bytes: Array(bytes.prefix(length))) }
        return CPUMap(bytes: bytes + [UInt8](repeating: 0, count: length - bytes.count))
    }

    /// libvirt's range syntax, e.g. "0-3,6" (`virBitmapFormat`).
    public var description: String { Self.format(cpus) }

    /// Formats CPU numbers as libvirt's range syntax ("0-3,6").
    public static func format(_ cpus: [Int]) -> String {
        CPUSet(cpus.map { UInt32($0) }).description
    }

    /// Parses libvirt's range syntax ("0-3,^2,6"), as `virBitmapParse`; `nil` when malformed
    /// or when a CPU is `>= limit`.
    public static func parse(_ text: String, limit: Int = 4096) -> CPUMap? {
        guard let set = CPUSet(parsing: text), set.cpus.allSatisfy({ Int($0) < limit }) else { return nil }
        var map = CPUMap(bytes: [])
        for cpu in set.cpus { map.use(Int(cpu)) }
        return map
    }
}
