/// virsh's comma lists, where `,,` stands for a literal comma (`echo --split`,
/// `--memspec`, `--diskspec`).
enum CommaList {
    /// The fields of `text`.
    static func split(_ text: String) -> [String] {
        var fields: [String] = []
        var current = ""
        var rest = text[...]
        while let c = rest.popFirst() {
            if c == "," && rest.first == "," {
                current.append(",")
                rest = rest.dropFirst()
            } else if c == "," {
                fields.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        fields.append(current)
        return fields
    }
}
