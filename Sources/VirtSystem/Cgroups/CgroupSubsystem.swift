/// One row of `/proc/cgroups`: a controller the kernel knows, and where it is bound.
public struct CgroupSubsystem: Sendable, Hashable {
    /// The subsystem name, e.g. `memory`.
    public var name: String
    /// The v1 hierarchy id it is bound to; 0 when it is on the v2 hierarchy or unbound.
    public var hierarchyID: Int
    /// Whether it is enabled (not disabled with `cgroup_disable=` on the kernel command line).
    public var enabled: Bool

    /// The rows of a `/proc/cgroups` text; the header and malformed lines are skipped.
    public static func parse(procCgroups text: String) -> [CgroupSubsystem] {
        text.split(separator: "\n").compactMap { line in
            let fields = line.split(whereSeparator: { $0 == "\t" || $0 == " " })
            guard fields.count >= 4, !fields[0].hasPrefix("#"),
                  let hierarchy = Int(fields[1]), let enabled = Int(fields[3]) else { return nil }
            return CgroupSubsystem(name: String(fields[0]), hierarchyID: hierarchy, enabled: enabled != 0)
        }
    }
}
