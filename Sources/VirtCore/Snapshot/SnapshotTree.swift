import VirtXML

/// A domain's snapshots as libvirt keeps them (`virDomainMomentObjList`): a forest linked by
/// parent names, plus which one is current. Siblings are kept newest-linked first, as libvirt
/// links a new child at the front of its parent's list. Pure data, no I/O; every driver with
/// snapshots keeps one per domain.
public struct SnapshotTree: Sendable {
    /// One snapshot and its place in the tree.
    public struct Node: Sendable {
        /// The snapshot's name.
        public var name: String
        /// Its parent's name; nil for a root.
        public var parent: String?
        /// Children, newest-linked first.
        public var children: [String] = []
        /// The complete definition: name, state, creation time, disks and embedded domain.
        public var payload: DomainSnapshotDefinition
    }

    private(set) var nodes: [String: Node] = [:]
    /// Snapshots without a parent, newest-linked first.
    public private(set) var roots: [String] = []
    /// The current snapshot (`virDomainSnapshotCurrent`).
    public var current: String?

    /// An empty tree.
    public init() {}

    /// How many snapshots there are.
    public var count: Int { nodes.count }

    /// The snapshot called `name`.
    public func node(_ name: String) -> Node? { nodes[name] }

    /// Every snapshot, in no particular order.
    public var all: Dictionary<String, Node>.Values { nodes.values }

    /// Adds a snapshot under `parent` (which must exist, or be `nil` for a root).
    public mutating func insert(_ name: String, parent: String?, payload: DomainSnapshotDefinition) {
        nodes[name] = Node(name: name, parent: parent, payload: payload)
        link(name, under: parent)
    }

    /// Replaces the payload of an existing snapshot and re-links it under `parent`.
    public mutating func update(_ name: String, parent: String?, payload: DomainSnapshotDefinition) {
        guard let old = nodes[name] else { return }
        unlink(name, from: old.parent)
        nodes[name]?.parent = parent
        nodes[name]?.payload = payload
        link(name, under: parent)
    }

    /// Direct children of `name`, newest first.
    public func children(of name: String) -> [String] { nodes[name]?.children ?? [] }

    /// Every descendant of `name` in depth-first pre-order, siblings newest first.
    public func descendants(of name: String) -> [String] {
        children(of: name).flatMap { [$0] + descendants(of: $0) }
    }

    /// Every snapshot, parents before children (`VIR_DOMAIN_SNAPSHOT_LIST_TOPOLOGICAL`).
    public var topological: [String] { roots.flatMap { [$0] + descendants(of: $0) } }

    /// Whether `ancestor` is `name` or one of its ancestors.
    public func isAncestor(_ ancestor: String, of name: String) -> Bool {
        var cursor: String? = name
        while let current = cursor {
            if current == ancestor { return true }
            cursor = nodes[current]?.parent
        }
        return false
    }

    /// Removes `name` only. Its children move to the front of its parent's list, keeping
    /// their order, and the current snapshot moves to the parent if it was `name`.
    public mutating func remove(_ name: String) {
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
    public mutating func removeDescendants(of name: String) {
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

    /// `virDomainListAllSnapshots`: every snapshot parents first, or only the roots with
    /// `ROOTS`, that passes the filter groups of `flags`.
    public func list(_ flags: SnapshotListFlags) -> [String] {
        filter(flags.contains(.roots) ? roots : topological, flags)
    }

    /// `virDomainSnapshotListAllChildren`: the children of `name`, or all its descendants
    /// with `DESCENDANTS`, that pass `flags`; nil when there is no such snapshot.
    public func children(of name: String, _ flags: SnapshotListFlags) -> [String]? {
        guard nodes[name] != nil else { return nil }
        return filter(flags.contains(.descendants) ? descendants(of: name) : children(of: name), flags)
    }

    private func filter(_ names: [String], _ flags: SnapshotListFlags) -> [String] {
        names.filter { name in
            guard let node = nodes[name] else { return false }
            return node.payload.matches(flags, hasChildren: !node.children.isEmpty)
        }
    }
}
