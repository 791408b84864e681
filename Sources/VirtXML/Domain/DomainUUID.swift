/// A domain's 128-bit UUID, parsed and printed as libvirt does (`virUUIDParse`, `virUUIDFormat`).
public struct DomainUUID: Hashable, Sendable, CustomStringConvertible {
    /// The 16 raw bytes (`VIR_UUID_BUFLEN`), as `virDomainGetUUID` returns them.
    public let bytes: [UInt8]

    /// Wraps 16 raw bytes; `nil` for any other length.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// Parses libvirt's accepted forms: 32 hex digits, optionally separated by '-'
    /// between byte pairs, with leading and trailing blanks. Corresponds to `virUUIDParse`.
    public init?(_ text: String) {
        var out: [UInt8] = []
        out.reserveCapacity(16)
        let scalars = Array(text.utf8)
        var index = 0
        while index < scalars.count, scalars[index] == 0x20 || scalars[index] == 0x09 { index += 1 }
        var high: UInt8? = nil
        while index < scalars.count, out.count < 16 {
            let c = scalars[index]
            index += 1
            if c == UInt8(ascii: "-"), high == nil { continue }
            guard let nibble = Self.hexValue(c) else { return nil }
            if let h = high {
                out.append(h << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        guard out.count == 16, high == nil else { return nil }
        while index < scalars.count {
            guard scalars[index] == 0x20 || scalars[index] == 0x09 else { return nil }
            index += 1
        }
        self.bytes = out
    }

    /// A random version-4 UUID, as libvirt generates for a definition without one (`virUUIDGenerate`).
    public static func random() -> DomainUUID {
        var generator = SystemRandomNumberGenerator()
        var raw = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        raw[6] = (raw[6] & 0x0F) | 0x40
        raw[8] = (raw[8] & 0x3F) | 0x80
        return DomainUUID(bytes: raw)!
    }

    /// The canonical lowercase 36-character form (`VIR_UUID_STRING_BUFLEN` - 1).
    public var description: String {
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(36)
        for (i, b) in bytes.enumerated() {
            if i == 4 || i == 6 || i == 8 || i == 10 { out.append(UInt8(ascii: "-")) }
            out.append(hex[Int(b >> 4)])
            out.append(hex[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
