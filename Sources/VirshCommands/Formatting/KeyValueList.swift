/// Lines of `label value`, with the label left-justified in a fixed width plus one
/// space, as virsh's `%-15s %s` (dominfo, vcpuinfo, snapshot-info) and `%-20s %s` (nodeinfo).
struct KeyValueList {
    /// The label column width.
    var width: Int
    /// The pairs, in order.
    var pairs: [(String, String)] = []

    /// Appends a pair.
    mutating func add(_ label: String, _ value: String) {
        pairs.append((label, value))
    }

    /// The formatted lines.
    var rendered: String {
        pairs.map { "\($0.0.padded(to: width)) \($0.1)\n" }.joined()
    }
}
