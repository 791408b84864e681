/// virsh's tree drawing (`snapshot-list --tree`): every root at column 0, children below
/// it as `+- name` joined by `|` rails, and a blank (indented) line closing each subtree.
struct Tree {
    /// The nodes in display order, each with the name of its parent (nil for a root).
    var nodes: [(name: String, parent: String?)]

    /// The drawing.
    var rendered: String {
        var out = ""
        for index in nodes.indices where nodes[index].parent == nil {
            var indent = ""
            draw(index, last: index, root: true, indent: &indent, into: &out)
        }
        return out
    }

    private func draw(_ index: Int, last: Int, root: Bool, indent: inout String, into out: inout String) {
        let name = nodes[index].name
        out += indent + (root ? "" : "+- ") + name + "\n"
        if !root { indent += index == last ? "  " : "| " }
        let children = nodes.indices.filter { nodes[$0].parent == name }
        if let lastChild = children.last {
            out += indent + "  |\n"
            indent += "  "
            for child in children { draw(child, last: lastChild, root: false, indent: &indent, into: &out) }
            indent.removeLast(2)
        } else if index == last {
            out += indent + "\n"
        }
        if !root { indent.removeLast(2) }
    }
}
