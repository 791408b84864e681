/// One line of `/proc/PID/cgroup`: the cgroup a process is in, in one hierarchy.
///
/// v1 lines read `4:memory:/swiftvirt/ctx-42` (or `2:cpu,cpuacct:/…`); the v2 line reads
/// `0::/swiftvirt/ctx-42`.
public struct CgroupMembership: Sendable, Hashable {
    /// The hierarchy id; 0 for the v2 unified hierarchy.
    public var hierarchyID: Int
    /// The v1 subsystems of the hierarchy (e.g. `["cpu", "cpuacct"]` or `["name=systemd"]`);
    /// empty for v2.
    public var controllers: [String]
    /// The cgroup's path, absolute within the hierarchy as seen from the reader's cgroup namespace.
    public var path: String

    /// Whether this line describes the v2 unified hierarchy.
    public var isUnified: Bool { hierarchyID == 0 && controllers.isEmpty }

    /// The lines of a `/proc/PID/cgroup` text; malformed lines are skipped.
    public static func parse(procPidCgroup text: String) -> [CgroupMembership] {
        text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3, let id = Int(fields[0]) else { return nil }
            return CgroupMembership(hierarchyID: id,
                                    controllers: fields[1].split(separator: ",").map(String.init),
                                    path: String(fields[2]))
        }
    }

    /// The line of `lines` that describes `hierarchy`: the v2 line, or the v1 line listing
    /// one of the hierarchy's subsystems.
    static func line(for hierarchy: CgroupHierarchy, in lines: [CgroupMembership]) -> CgroupMembership? {
        switch hierarchy.version {
        case .v2: lines.first(where: \.isUnified)
        case .v1: lines.first { !$0.isUnified && !hierarchy.controllers.isDisjoint(with: $0.controllers) }
        }
    }
}
