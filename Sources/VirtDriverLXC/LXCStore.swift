import VirtCore

/// Where an `lxc:///embed?root=ROOT` driver keeps its domains: a ``DomainStore`` whose run
/// files record each container's security context, plus `ROOT/contexts`, the contexts'
/// own root.
typealias LXCStore = DomainStore<LXCRunStatus>

/// What `ROOT/run/NAME.json` records of a running container.
struct LXCRunStatus: Codable, Sendable, Equatable {
    /// The security context it runs in.
    var xid: UInt32
}

extension DomainStore where RunStatus == LXCRunStatus {
    /// The store of the container driver at `root`.
    init(root: String) { self.init(root: root, errorDomain: .lxc) }

    /// `ROOT/contexts`: the security contexts the containers run in.
    var contextsDirectory: String { root + "/contexts" }
}
