import VirtError

/// A set of host CPU numbers, parsed and printed as libvirt does
/// (`virBitmapParse` accepting `0-3,^2,8`; `virBitmapFormat` printing `0-1,3,8`).
public struct CPUSet: Sendable, Equatable, CustomStringConvertible {
    /// The CPU numbers, ascending.
    public private(set) var cpus: [UInt32]

    /// The largest CPU number accepted (libvirt's `VIR_DOMAIN_CPUMASK_LEN` - 1).
    public static let maximumCPU: UInt32 = 16383

    /// A set of the given CPUs.
    public init(_ cpus: some Sequence<UInt32>) {
        self.cpus = Array(Set(cpus)).sorted()
    }

    /// Parses libvirt's range syntax; `nil` if malformed or past `maximumCPU`.
    public init?(parsing text: String) {
        var included = Set<UInt32>()
        var excluded = Set<UInt32>()
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            var part = Substring(String(item).trimmingBlanks)
            let negate = part.hasPrefix("^")
            if negate { part = part.dropFirst() }
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false)
            guard (1...2).contains(bounds.count),
                  let low = parseUnsigned(String(bounds[0]), UInt32.self),
                  let high = parseUnsigned(String(bounds.last!), UInt32.self),
                  low <= high, high <= Self.maximumCPU, !(negate && bounds.count == 2) else { return nil }
            if negate { excluded.insert(low) } else { included.formUnion(low...high) }
        }
        guard !included.isEmpty else { return nil }
        self.init(included.subtracting(excluded))
    }

    /// `virBitmapFormat`: ascending ranges, e.g. `1-2,4,6`.
    public var description: String {
        var parts: [String] = []
        var i = 0
        while i < cpus.count {
            var j = i
            while j + 1 < cpus.count, cpus[j + 1] == cpus[j] + 1 { j += 1 }
            parts.append(i == j ? "\(cpus[i])" : "\(cpus[i])-\(cpus[j])")
            i = j + 1
        }
        return parts.joined(separator: ",")
    }

    /// Parses `text` found in attribute `attribute` of `element`, with libvirt's error.
    static func parse(_ text: String, attribute: String, element: String) throws(VirError) -> CPUSet {
        guard let set = CPUSet(parsing: text) else {
            throw VirError(.xmlError, "Invalid value for attribute '\(attribute)' in element '\(element)': '\(text)'.", domain: .domain)
        }
        return set
    }
}
