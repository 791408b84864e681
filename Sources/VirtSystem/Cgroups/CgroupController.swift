/// A resource controller that SwiftVirt manages, named by its cgroup v1 subsystem name.
///
/// On cgroup v2 some of them are features of the core rather than controllers: the
/// freezer is `cgroup.freeze`, CPU accounting is `cpu.stat`, and device control is an
/// eBPF program. ``v2Name`` says which ones must be enabled in `cgroup.subtree_control`.
public enum CgroupController: String, CaseIterable, Sendable, Hashable, Comparable {
    /// CPU shares/weight and CFS bandwidth (quota and period).
    case cpu
    /// CPU time accounting (`cpuacct.usage`; `cpu.stat` on v2).
    case cpuacct
    /// CPU and memory-node placement.
    case cpuset
    /// Memory limit, usage and OOM kills.
    case memory
    /// Device access rules.
    case devices
    /// Freezing and thawing every task of a cgroup.
    case freezer
    /// Block I/O weight (`io` on v2).
    case blkio
    /// Maximum number of tasks.
    case pids

    /// The name of the controller to enable in a v2 `cgroup.subtree_control`, or nil
    /// when v2 provides the feature in every cgroup without enabling anything.
    public var v2Name: String? {
        switch self {
        case .cpu: "cpu"
        case .cpuset: "cpuset"
        case .memory: "memory"
        case .blkio: "io"
        case .pids: "pids"
        case .cpuacct, .devices, .freezer: nil
        }
    }

    /// Orders controllers by name, so that files written from a set have a stable content.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}
