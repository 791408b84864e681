import SwiftVirt

/// Number parsing as virsh does it (C `strtol` rules, libvirt's unit suffixes).
enum NumberParsing {
    /// A leading unsigned decimal number (after blanks and an optional `+`) and the text
    /// after it; nil when there are no digits, a `-` sign, or the number overflows 64 bits.
    static func leadingUnsigned(_ text: String) -> (UInt64, Substring)? {
        var rest = text.drop { $0 == " " || $0 == "\t" || $0 == "\n" }
        if rest.first == "+" { rest = rest.dropFirst() }
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let value = UInt64(digits) else { return nil }
        return (value, rest.dropFirst(digits.count))
    }

    /// A leading signed decimal number and the text after it.
    static func leadingSigned(_ text: String) -> (Int64, Substring)? {
        var rest = text.drop { $0 == " " || $0 == "\t" || $0 == "\n" }
        var negative = false
        if rest.first == "+" || rest.first == "-" {
            negative = rest.first == "-"
            rest = rest.dropFirst()
        }
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let magnitude = Int64(digits) else { return nil }
        return (negative ? -magnitude : magnitude, rest.dropFirst(digits.count))
    }

    /// `number` times the unit `suffix` names (libvirt's `virScaleInteger`): none means
    /// `defaultScale`; `b`/`byte`/`bytes` mean 1; `k m g t p e` optionally followed by
    /// `iB` mean powers of 1024, followed by `B` powers of 1000.
    static func scale(_ number: UInt64, suffix: Substring, defaultScale: UInt64, maximum: UInt64) throws(VirError) -> UInt64 {
        let scale: UInt64
        let lower = suffix.lowercased()
        if suffix.isEmpty {
            scale = defaultScale
        } else if lower == "b" || lower == "byte" || lower == "bytes" {
            scale = 1
        } else if let power = ["k", "m", "g", "t", "p", "e"].firstIndex(of: String(lower.prefix(1))) {
            let unit = lower.dropFirst()
            let base: UInt64
            switch unit {
            case "", "ib": base = 1024
            case "b": base = 1000
            default: throw VirError(.invalidArg, "unknown suffix '\(suffix)'")
            }
            scale = (0...power).reduce(1) { result, _ in result * base }
        } else {
            throw VirError(.invalidArg, "unknown suffix '\(suffix)'")
        }
        guard number <= maximum / scale else { throw VirError(.overflow, "value too large: \(number)") }
        return number * scale
    }
}
