import VirtError

/// Memory sizes with units, as libvirt reads them (`virDomainParseMemory`, `virScaleInteger`).
public enum MemorySize {
    /// The largest size accepted, in bytes (`virMemoryMaxValue`: `LLONG_MAX`).
    public static let maximumBytes = UInt64(Int64.max)

    /// Converts `value` in `unit` to KiB, rounding a byte count up as libvirt does.
    ///
    /// `unit` is one of libvirt's suffixes, case-insensitive: `b`, `byte`, `bytes`;
    /// `k`, `KiB`, `KB` (1000) and likewise `M`, `G`, `T`, `P`, `E`. Without a unit, KiB.
    /// `path` names the element in errors, e.g. `./memory[1]`.
    public static func kibibytes(_ value: String, unit: String?, path: String) throws(VirError) -> UInt64 {
        guard let number = parseUnsigned(value, UInt64.self) else {
            throw VirError(.xmlError, "Invalid value '\(value)' for element or attribute '\(path)'", domain: .domain)
        }
        let scale = try multiplier(unit)
        if number != 0, number > maximumBytes / scale {
            throw VirError(.overflow, "value too large: \(number)\(unit ?? "")")
        }
        let bytes = number * scale
        return bytes / 1024 + (bytes % 1024 == 0 ? 0 : 1)
    }

    /// The number of bytes in one `unit` (`virScaleInteger`).
    static func multiplier(_ unit: String?) throws(VirError) -> UInt64 {
        guard let unit, !unit.isEmpty else { return 1024 }
        let lower = unit.lowercased()
        if lower == "b" || lower == "byte" || lower == "bytes" { return 1 }
        let rest = lower.dropFirst()
        let base: UInt64
        if rest.isEmpty || rest == "ib" {
            base = 1024
        } else if rest == "b" {
            base = 1000
        } else {
            throw VirError(.invalidArg, "unknown suffix '\(unit)'")
        }
        guard let power = "kmgtpe".firstIndex(of: lower.first!) else {
            throw VirError(.invalidArg, "unknown suffix '\(unit)'")
        }
        let exponent = "kmgtpe".distance(from: "kmgtpe".startIndex, to: power) + 1
        return (0..<exponent).reduce(1) { value, _ in value * base }
    }
}
