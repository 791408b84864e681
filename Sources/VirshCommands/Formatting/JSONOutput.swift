import JSON

extension JSONValue {
    /// `.string(value)`, or `.null` when `value` is nil.
    static func optional(_ value: String?) -> JSONValue {
        value.map(JSONValue.string) ?? .null
    }
}
