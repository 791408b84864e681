import VirtError

extension JSONValue {
    /// Parses one JSON value (RFC 8259) that fills `text` but for surrounding white space.
    /// Fails with libvirt's "cannot parse json" error.
    public init(parsing text: String) throws(VirError) {
        try self.init(parsing: Array(text.utf8)[...])
    }

    /// Parses one JSON value that fills `bytes` (UTF-8) but for surrounding white space.
    public init(parsing bytes: ArraySlice<UInt8>) throws(VirError) {
        var parser = JSONParser(bytes: bytes)
        do throws(JSONParser.Failure) {
            parser.skipSpace()
            let value = try parser.value(depth: 0)
            parser.skipSpace()
            guard parser.atEnd else { throw JSONParser.Failure("trailing data", at: parser.offset) }
            self = value
        } catch {
            let shown = String(decoding: bytes.prefix(200), as: UTF8.self)
            throw VirError(.internalError, "cannot parse json \(shown): \(error.reason) at byte \(error.offset)", domain: .none)
        }
    }
}

/// A recursive-descent JSON parser over UTF-8 bytes, with a nesting limit so that no input
/// can exhaust the stack.
struct JSONParser {
    struct Failure: Error {
        let reason: String
        let offset: Int
        init(_ reason: String, at offset: Int) {
            self.reason = reason
            self.offset = offset
        }
    }

    static let maximumDepth = 128

    let bytes: ArraySlice<UInt8>
    var index: Int

    init(bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        index = bytes.startIndex
    }

    var atEnd: Bool { index == bytes.endIndex }
    var offset: Int { index - bytes.startIndex }

    mutating func skipSpace() {
        while index < bytes.endIndex, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    mutating func value(depth: Int) throws(Failure) -> JSONValue {
        guard depth < Self.maximumDepth else { throw Failure("nested too deeply", at: offset) }
        guard index < bytes.endIndex else { throw Failure("unexpected end", at: offset) }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw Failure("unexpected character", at: offset)
        }
    }

    private mutating func object(depth: Int) throws(Failure) -> JSONValue {
        index += 1
        var members: [JSONValue.Member] = []
        skipSpace()
        if try take(UInt8(ascii: "}")) { return .object(members) }
        repeat {
            skipSpace()
            guard index < bytes.endIndex, bytes[index] == UInt8(ascii: "\"") else { throw Failure("expected a member name", at: offset) }
            let key = try string()
            skipSpace()
            guard try take(UInt8(ascii: ":")) else { throw Failure("expected ':'", at: offset) }
            skipSpace()
            members.append(JSONValue.Member(key, try value(depth: depth + 1)))
            skipSpace()
        } while try take(UInt8(ascii: ","))
        guard try take(UInt8(ascii: "}")) else { throw Failure("expected ',' or '}'", at: offset) }
        return .object(members)
    }

    private mutating func array(depth: Int) throws(Failure) -> JSONValue {
        index += 1
        var values: [JSONValue] = []
        skipSpace()
        if try take(UInt8(ascii: "]")) { return .array(values) }
        repeat {
            skipSpace()
            values.append(try value(depth: depth + 1))
            skipSpace()
        } while try take(UInt8(ascii: ","))
        guard try take(UInt8(ascii: "]")) else { throw Failure("expected ',' or ']'", at: offset) }
        return .array(values)
    }

    private mutating func take(_ byte: UInt8) throws(Failure) -> Bool {
        guard index < bytes.endIndex, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    private mutating func literal(_ word: String) throws(Failure) {
        for expected in word.utf8 {
            guard index < bytes.endIndex else { throw Failure("unexpected end", at: offset) }
            guard bytes[index] == expected else { throw Failure("unexpected character", at: offset) }
            index += 1
        }
    }

    private mutating func number() throws(Failure) -> String {
        let start = index
        _ = try take(UInt8(ascii: "-"))
        guard index < bytes.endIndex else { throw Failure("unexpected end", at: offset) }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            guard digits() > 0 else { throw Failure("expected a digit", at: offset) }
        }
        if try take(UInt8(ascii: ".")) {
            guard digits() > 0 else { throw Failure("expected a digit", at: offset) }
        }
        if index < bytes.endIndex, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if !(try take(UInt8(ascii: "+"))) { _ = try take(UInt8(ascii: "-")) }
            guard digits() > 0 else { throw Failure("expected a digit", at: offset) }
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private mutating func digits() -> Int {
        let start = index
        while index < bytes.endIndex, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
        return index - start
    }

    private mutating func string() throws(Failure) -> String {
        index += 1
        var scalars = String.UnicodeScalarView()
        var runStart = index
        while true {
            guard index < bytes.endIndex else { throw Failure("unterminated string", at: offset) }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                try appendUTF8(bytes[runStart..<index], to: &scalars)
                index += 1
                if byte == UInt8(ascii: "\"") { return String(scalars) }
                scalars.append(try escape())
                runStart = index
            } else if byte < 0x20 {
                throw Failure("control character in a string", at: offset)
            } else {
                index += 1
            }
        }
    }

    private func appendUTF8(_ run: ArraySlice<UInt8>, to scalars: inout String.UnicodeScalarView) throws(Failure) {
        guard !run.isEmpty else { return }
        guard let text = String(validating: run, as: UTF8.self) else { throw Failure("invalid UTF-8", at: run.startIndex - bytes.startIndex) }
        scalars.append(contentsOf: text.unicodeScalars)
    }

    private mutating func escape() throws(Failure) -> Unicode.Scalar {
        guard index < bytes.endIndex else { throw Failure("unterminated string", at: offset) }
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{8}"
        case UInt8(ascii: "f"): return "\u{c}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let unit = try hexUnit()
            if (0xD800..<0xDC00).contains(unit) {
                guard bytes.endIndex - index >= 2, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                    throw Failure("unpaired surrogate", at: offset)
                }
                index += 2
                let low = try hexUnit()
                guard (0xDC00..<0xE000).contains(low) else { throw Failure("unpaired surrogate", at: offset) }
                return Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))!
            }
            guard let scalar = Unicode.Scalar(unit) else { throw Failure("unpaired surrogate", at: offset) }
            return scalar
        default: throw Failure("invalid escape", at: offset - 1)
        }
    }

    private mutating func hexUnit() throws(Failure) -> UInt32 {
        guard bytes.endIndex - index >= 4 else { throw Failure("unexpected end", at: offset) }
        var unit: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw Failure("invalid \\u escape", at: offset)
            }
            unit = unit << 4 | digit
            index += 1
        }
        return unit
    }
}
