/// A domain's snapshots as libvirt keeps them (`virDomainMomentObjList`): a forest linked by
/// parent names, plus which one is current. Siblings are kept newest-linked first, as libvirt
/// links a new child at the front of its parent's list. Pure data, no I/O.
struct SnapshotTree: Sendable {
    struct Node: Sendable {
        var name: String
        var parent: String?
        /// Children, newest-linked first.
        var children: [String] = []
        var payload: SnapshotPayload
    }

    private(set) var nodes: [String: Node] = [:]
    /// Snapshots without a parent, newest-linked first.
    private(set) var roots: [String] = []
    var current: String?

    var count: Int { nodes.count }

    func node(_ name: String) -> Node? { nodes[name] }

    /// Adds a snapshot under `parent` (which must exist, or be `nil` for a root).
    mutating func insert(_ name: String, parent: String?, payload: SnapshotPayload) {
        nodes[name] = Node(name: name, parent: parent, payload: payload)
        link(name, under: parent)
    }

    /// Replaces the payload of an existing snapshot and re-links it under `parent`.
    mutating func update(_ name: String, parent: String?, payload: SnapshotPayload) {
        guard let old = nodes[name] else { return }
        unlink(name, from: old.parent)
        nodes[name]?.parent = parent
        nodes[name]?.payload = payload
        link(name, under: parent)
    }

    /// Direct children of `name`, newest first.
    func children(of name: String) -> [String] { nodes[name]?.children ?? [] }

    /// Every descendant of `name` in depth-first pre-order, siblings newest first.
    func descendants(of name: String) -> [String] {
        children(of: name).flatMap { [$0] + descendants(of: $0) }
    }

    /// Every snapshot, parents before children (`VIR_DOMAIN_SNAPSHOT_LIST_TOPOLOGICAL`).
    var topological: [String] { roots.flatMap { [$0] + descendants(of: $0) } }

    /// Whether `ancestor` is `name` or one of its ancestors.
    func isAncestor(_ ancestor: String, of name: String) -> Bool {
        var cursor: String? = name
        while let current = cursor {
            if current == ancestor { return true }
            cursor = nodes[current]?.parent
        }
        return false
    }

    /// Removes `name` only. Its children move to the front of its parent's list, keeping
    /// their order, and the current snapshot moves to the parent if it was `name`.
    mutating func remove(_ name: String) {
        guard let removed = nodes.removeValue(forKey: name) else { return }
        unlink(name, from: removed.parent)
        for child in removed.children { nodes[child]?.parent = removed.parent }
        if let parent = removed.parent {
            nodes[parent]?.children.insert(contentsOf: removed.children, at: 0)
        } else {
            roots.insert(contentsOf: removed.children, at: 0)
        }
        if current == name { current = removed.parent }
    }

    /// Removes every descendant of `name`; the current snapshot moves to `name` if it was one.
    mutating func removeDescendants(of name: String) {
        let doomed = descendants(of: name)
        for child in doomed { nodes[child] = nil }
        nodes[name]?.children = []
        if let current, doomed.contains(current) { self.current = name }
    }

    private mutating func link(_ name: String, under parent: String?) {
        if let parent {
            nodes[parent]?.children.insert(name, at: 0)
        } else {
            roots.insert(name, at: 0)
        }
    }

    private mutating func unlink(_ name: String, from parent: String?) {
        if let parent {
            nodes[parent]?.children.removeAll { $0 == name }
        } else {
            roots.removeAll { $0 == name }
        }
    }
}
