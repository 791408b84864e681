import VirtError

/// Reads XDR as libvirt's RPC protocol writes it (see ``XDREncoder``). Every read checks
/// the bytes left and the protocol's limits, and a failure is libvirt's own:
/// `VIR_ERR_RPC` "Unable to decode message payload", which names what was wrong.
public struct XDRDecoder: Sendable {
    /// libvirt's `REMOTE_STRING_MAX`: the longest string the protocol carries.
    public static let maximumStringLength = 4_194_304

    private let bytes: [UInt8]
    /// The offset of the next unread byte.
    public private(set) var offset: Int
    private let end: Int

    /// A decoder of `bytes[range]` (all of `bytes` by default).
    public init(_ bytes: [UInt8], range: Range<Int>? = nil) {
        self.bytes = bytes
        offset = range?.lowerBound ?? 0
        end = range?.upperBound ?? bytes.count
    }

    /// How many bytes are left.
    public var remaining: Int { end - offset }

    /// The error for a payload that does not decode, naming `what`.
    public static func failure(_ what: String) -> VirError {
        var error = VirError(code: .rpc, domain: .rpc, message: "Unable to decode message payload")
        error.str1 = "%s"
        error.str2 = what
        return error
    }

    private mutating func take(_ count: Int, _ what: @autoclosure () -> String) throws(VirError) -> Int {
        guard count >= 0, count <= remaining else {
            throw Self.failure("\(what()): \(count) bytes wanted, \(remaining) left")
        }
        defer { offset += count }
        return offset
    }

    /// `unsigned int`.
    public mutating func decodeUInt32() throws(VirError) -> UInt32 {
        let at = try take(4, "unsigned int")
        return UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])
    }

    /// `int`, `enum`, and the widened `char`/`short`.
    public mutating func decodeInt32() throws(VirError) -> Int32 { Int32(bitPattern: try decodeUInt32()) }

    /// `unsigned hyper`.
    public mutating func decodeUInt64() throws(VirError) -> UInt64 {
        let high = UInt64(try decodeUInt32())
        return high << 32 | UInt64(try decodeUInt32())
    }

    /// `hyper`.
    public mutating func decodeInt64() throws(VirError) -> Int64 { Int64(bitPattern: try decodeUInt64()) }

    /// `double`.
    public mutating func decodeDouble() throws(VirError) -> Double { Double(bitPattern: try decodeUInt64()) }

    /// libvirt's `int` used as a boolean: any non-zero value is true.
    public mutating func decodeBool() throws(VirError) -> Bool { try decodeInt32() != 0 }

    /// A count of a variable item, checked against `maximum`.
    public mutating func decodeCount(maximum: Int, _ what: @autoclosure () -> String) throws(VirError) -> Int {
        let count = try decodeUInt32()
        guard count <= maximum else { throw Self.failure("\(what()) of \(count), more than the \(maximum) allowed") }
        return Int(count)
    }

    /// Fixed `opaque[count]` and its padding.
    public mutating func decodeFixedOpaque(count: Int) throws(VirError) -> [UInt8] {
        let padded = count + (4 - count % 4) % 4
        let at = try take(padded, "opaque[\(count)]")
        return Array(bytes[at..<at + count])
    }

    /// Variable `opaque<maximum>`.
    public mutating func decodeVariableOpaque(maximum: Int = maximumStringLength) throws(VirError) -> [UInt8] {
        let count = try decodeCount(maximum: maximum, "an opaque length")
        return try decodeFixedOpaque(count: count)
    }

    /// `string<maximum>`, which must be UTF-8.
    public mutating func decodeString(maximum: Int = maximumStringLength) throws(VirError) -> String {
        let count = try decodeCount(maximum: maximum, "a string length")
        let padded = count + (4 - count % 4) % 4
        let at = try take(padded, "string<\(count)>")
        guard let text = String(validating: bytes[at..<at + count], as: UTF8.self) else {
            throw Self.failure("a string that is not UTF-8")
        }
        return text
    }

    /// An optional value (`T *`): 0 for absent, 1 then the value.
    public mutating func decodeOptional<T>(_ decodeValue: (inout XDRDecoder) throws(VirError) -> T) throws(VirError) -> T? {
        switch try decodeUInt32() {
        case 0: return nil
        case 1: return try decodeValue(&self)
        case let other: throw Self.failure("an optional's discriminant \(other)")
        }
    }

    /// A variable array (`T<maximum>`).
    public mutating func decodeArray<T>(maximum: Int, _ decodeElement: (inout XDRDecoder) throws(VirError) -> T) throws(VirError) -> [T] {
        let count = try decodeCount(maximum: maximum, "an array length")
        guard count <= remaining / 4 else { throw Self.failure("an array of \(count), longer than the payload") }
        var values: [T] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try decodeElement(&self)) }
        return values
    }

    /// The rest of the payload as it is (a stream's data).
    public mutating func decodeRest() -> [UInt8] {
        defer { offset = end }
        return Array(bytes[offset..<end])
    }

    /// Throws unless every byte was read: libvirt refuses trailing garbage.
    public func finish() throws(VirError) {
        guard remaining == 0 else { throw Self.failure("\(remaining) bytes after the payload") }
    }
}
