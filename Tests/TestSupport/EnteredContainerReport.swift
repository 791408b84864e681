/// What a command that `lxc-enter-namespace` runs reports of where it runs: the shell
/// script to run inside, and its output parsed.
public struct EnteredContainerReport: Sendable {
    /// The script: the host name, its own pid, pid 1's command line, its uid, its cgroups.
    public static let script = "hostname; echo $$; tr '\\0' ' ' < /proc/1/cmdline; echo; id -u; cat /proc/self/cgroup"

    /// The UTS namespace's host name.
    public let hostname: String
    /// Its pid, as its pid namespace numbers it.
    public let pid: Int?
    /// pid 1's command line, its arguments separated (and ended) by spaces.
    public let initCommand: String
    /// Its uid.
    public let uid: String
    /// `/proc/self/cgroup`, line by line.
    public let cgroups: [String]

    /// The report in `output`, or nil if it is too short to be one.
    public init?(_ output: String) {
        let lines = output.split(separator: "\n").map(String.init)
        guard lines.count > 4 else { return nil }
        (hostname, pid, initCommand, uid, cgroups) = (lines[0], Int(lines[1]), lines[2], lines[3], Array(lines[4...]))
    }

    /// Whether its pid is among the first of a young pid namespace: the container's, not the host's.
    public var runsInTheContainersPidNamespace: Bool { pid.map { $0 > 1 && $0 < 10 } ?? false }
}
