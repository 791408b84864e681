/// A JSON value: what QMP and the guest agent exchange, and virtsh's `--json` output.
/// Objects keep their members in order and numbers keep their text, so a reply passed
/// through (`virDomainQemuMonitorCommand`) is written back as QEMU wrote it, only without the
/// spaces.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// A number, as its JSON text (`-12`, `3.5e2`).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([Member])

    /// One member of an object.
    public struct Member: Sendable, Hashable {
        /// The member's name.
        public var key: String
        /// The member's value.
        public var value: JSONValue

        /// A member `key: value`.
        public init(_ key: String, _ value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    /// An object of `members`, in that order.
    public static func object(_ members: KeyValuePairs<String, JSONValue>) -> JSONValue {
        .object(members.map { Member($0.key, $0.value) })
    }

    /// An object of `fields`, in that order.
    public static func object(_ fields: [(String, JSONValue)]) -> JSONValue {
        .object(fields.map { Member($0.0, $0.1) })
    }

    /// An integer number.
    public static func int<T: BinaryInteger>(_ value: T) -> JSONValue { .number(String(value)) }

    /// The value of member `key` of an object (the first, if repeated); nil otherwise.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// The string, if this is one.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The boolean, if this is one.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The number as a 64-bit integer, if it is one that fits.
    public var int64Value: Int64? {
        if case .number(let text) = self { return Int64(text) }
        return nil
    }

    /// The number as an unsigned 64-bit integer, if it is one that fits.
    public var uint64Value: UInt64? {
        if case .number(let text) = self { return UInt64(text) }
        return nil
    }

    /// The number as a double, if this is a number.
    public var doubleValue: Double? {
        if case .number(let text) = self { return Double(text) }
        return nil
    }

    /// The elements, if this is an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let values) = self { return values }
        return nil
    }

    /// The members, if this is an object.
    public var members: [Member]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// This object with member `key` set to `value`: replaced in place if present, appended
    /// otherwise. Anything but an object is returned unchanged.
    public func setting(_ key: String, to value: JSONValue) -> JSONValue {
        guard case .object(var members) = self else { return self }
        if let index = members.firstIndex(where: { $0.key == key }) {
            members[index].value = value
        } else {
            members.append(Member(key, value))
        }
        return .object(members)
    }

    /// The compact JSON text, with no spaces, as libvirt writes it (yajl's: control
    /// characters as `\u00XX` in upper case): what libvirt hands back from the monitor.
    public var serialized: String {
        var output = ""
        write(to: &output)
        return output
    }

    /// The text libvirt's pretty output gives (yajl's beautifier, as `virsh --pretty` prints
    /// it): two spaces of indent per level, one member or element per line, `": "` after
    /// keys, and an empty container as its opening line, an empty line and its close. No
    /// final newline.
    public var beautified: String {
        var output = ""
        writeBeautified(to: &output, depth: 0)
        return output
    }

    private func writeBeautified(to output: inout String, depth: Int) {
        func open(_ bracket: String, _ count: Int, _ item: (Int, inout String) -> Void, close: String) {
            output += bracket + "\n"
            for index in 0..<count {
                if index > 0 { output += ",\n" }
                output += String(repeating: "  ", count: depth + 1)
                item(index, &output)
            }
            output += "\n" + String(repeating: "  ", count: depth) + close
        }
        switch self {
        case .array(let values):
            open("[", values.count, { index, output in values[index].writeBeautified(to: &output, depth: depth + 1) }, close: "]")
        case .object(let members):
            open("{", members.count, { index, output in
                Self.writeString(members[index].key, to: &output)
                output += ": "
                members[index].value.writeBeautified(to: &output, depth: depth + 1)
            }, close: "}")
        default:
            write(to: &output)
        }
    }

    private func write(to output: inout String) {
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .number(let text): output += text
        case .string(let value): Self.writeString(value, to: &output)
        case .array(let values):
            output += "["
            for (index, value) in values.enumerated() {
                if index > 0 { output += "," }
                value.write(to: &output)
            }
            output += "]"
        case .object(let members):
            output += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { output += "," }
                Self.writeString(member.key, to: &output)
                output += ":"
                member.value.write(to: &output)
            }
            output += "}"
        }
    }

    private static func writeString(_ value: String, to output: inout String) {
        output += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{8}": output += "\\b"
            case "\u{c}": output += "\\f"
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16, uppercase: true)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}
