#if canImport(Glibc)
import Glibc
#endif
import VirtError

/// The cgroup v2 unified hierarchy: `memory.max`, `cpu.weight`, `cpu.max`, `cgroup.freeze`,
/// `cgroup.kill`, and controllers enabled top-down through `cgroup.subtree_control`.
public struct CgroupV2Backend: CgroupBackend {
    /// The unified hierarchy this backend writes to.
    public let hierarchy: CgroupHierarchy

    /// A backend for `hierarchy`, which must be the v2 one.
    public init(hierarchy: CgroupHierarchy) { self.hierarchy = hierarchy }

    /// v2 lists threads in `cgroup.threads`.
    public var threadsFile: String { "cgroup.threads" }

    /// Creates every missing directory of `path`, first enabling the controllers that need it
    /// (`+cpu +memory …`) in the `cgroup.subtree_control` of the root and of each ancestor.
    /// The leaf's own `subtree_control` is left alone: it holds tasks, and v2 forbids both.
    @discardableResult
    public func create(_ path: CgroupPath, for controllers: Set<CgroupController>) throws(VirError) -> Bool {
        let enable = controllers.sorted().compactMap(\.v2Name).map { "+" + $0 }.joined(separator: " ")
        var parent = hierarchy.directory(of: CgroupPath.root)
        var created = false
        for component in path.components {
            if !enable.isEmpty {
                try CgroupFile.write(enable, to: parent + "/cgroup.subtree_control")
            }
            parent += "/" + component
            created = try CgroupFile.makeDirectory(parent)
        }
        return created
    }

    /// Writes `memory.max` (`max` for no limit).
    public func setMemoryLimit(_ limit: CgroupLimit, in dir: String) throws(VirError) {
        try CgroupFile.write(limit.text(unlimited: "max"), to: dir + "/memory.max")
    }

    /// Writes `memory.high` (`max` for no limit), as libvirt maps the soft limit on v2.
    public func setMemorySoftLimit(_ limit: CgroupLimit, in dir: String) throws(VirError) {
        try CgroupFile.write(limit.text(unlimited: "max"), to: dir + "/memory.high")
    }

    /// Writes `memory.swap.max`: the swap part of the limit (total minus the memory limit).
    public func setMemorySwapLimit(_ limit: CgroupLimit, memory: CgroupLimit, in dir: String) throws(VirError) {
        let swap = limit.value.map { total in max(0, total - (memory.value ?? total)) }
        try CgroupFile.write(swap.map(String.init) ?? "max", to: dir + "/memory.swap.max")
    }

    /// Reads `memory.current`.
    public func memoryUsage(in dir: String) throws(VirError) -> UInt64 {
        try CgroupFile.readNumber(dir + "/memory.current")
    }

    /// Reads `oom_kill` from `memory.events`.
    public func oomKillCount(in dir: String) throws(VirError) -> UInt64 {
        try CgroupFile.readKey("oom_kill", in: dir + "/memory.events")
    }

    /// Writes `cpu.weight`, converted from shares.
    public func setCPUShares(_ shares: CPUShares, in dir: String) throws(VirError) {
        try CgroupFile.write(String(shares.v2Weight), to: dir + "/cpu.weight")
    }

    /// Reads `cpu.weight`, converted to the smallest shares that map to it.
    public func cpuShares(in dir: String) throws(VirError) -> CPUShares {
        try CPUShares(v2Weight: CgroupFile.readNumber(dir + "/cpu.weight"))
    }

    /// Writes `cpu.max` as `QUOTA PERIOD`, with `max` for no quota.
    public func setCPUQuota(_ quota: CPUQuota, in dir: String) throws(VirError) {
        try CgroupFile.write("\(quota.quota.map(String.init) ?? "max") \(quota.period)", to: dir + "/cpu.max")
    }

    /// Reads `usage_usec` from `cpu.stat`, in nanoseconds.
    public func cpuUsage(in dir: String) throws(VirError) -> UInt64 {
        try CgroupFile.readKey("usage_usec", in: dir + "/cpu.stat") * 1_000
    }

    /// Writes `1` or `0` to `cgroup.freeze`.
    public func setFrozen(_ frozen: Bool, in dir: String) throws(VirError) {
        try CgroupFile.write(frozen ? "1" : "0", to: dir + "/cgroup.freeze")
    }

    /// Thawed if `cgroup.freeze` is 0, else frozen or freezing by `frozen` in `cgroup.events`.
    public func freezerState(in dir: String) throws(VirError) -> FreezerState {
        guard try CgroupFile.readLine(dir + "/cgroup.freeze") != "0" else { return .thawed }
        return try CgroupFile.readKey("frozen", in: dir + "/cgroup.events") == 1 ? .frozen : .freezing
    }

    /// Waits for `frozen 1` in `cgroup.events` with `poll(2)`: the kernel signals POLLPRI on
    /// every change of the file after it was last read, so no wakeup is missed.
    public func waitUntilFrozen(in dir: String, deadline: ContinuousClock.Instant) throws(VirError) {
        let path = dir + "/cgroup.events"
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw CgroupFile.failure("cannot open '\(path)' for reading") }
        defer { close(fd) }
        while !(try CgroupFile.read(fd: fd, path: path).split(separator: "\n").contains("frozen 1")) {
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero else {
                throw VirError(.operationTimeout, "cgroup '\(dir)' did not report 'frozen 1' in time", domain: .cgroup)
            }
            var pollfd = pollfd(fd: fd, events: Int16(POLLPRI), revents: 0)
            let milliseconds = Int32(min((remaining / .milliseconds(1)).rounded(.up), 60_000))
            if poll(&pollfd, 1, milliseconds) < 0, errno != EINTR {
                throw CgroupFile.failure("cannot poll '\(path)'")
            }
        }
    }

    /// Device control on v2 is an eBPF program attached to the cgroup, which SwiftVirt does
    /// not install yet: always `.operationUnsupported`.
    public func apply(_ rule: DeviceRule, allow: Bool, in dir: String) throws(VirError) {
        throw VirError(.operationUnsupported,
                       "cannot apply device rule '\(rule)' to '\(dir)': device control on cgroup v2 needs an eBPF program, which is not supported yet",
                       domain: .cgroup)
    }

    /// Writes `io.bfq.weight` when BFQ is the scheduler, else `io.weight` as `default N`.
    public func setBlkioWeight(_ weight: UInt16, in dir: String) throws(VirError) {
        try writeFirstExisting([("io.bfq.weight", String(weight)), ("io.weight", "default \(weight)")],
                               in: dir, what: "the io weight")
    }

    /// Writes the weight to `io.bfq.weight` or `io.weight`, and the throttles as one `io.max`
    /// line (`MAJOR:MINOR rbps=N wbps=N riops=N wiops=N`, 0 written as `max`).
    public func apply(_ tune: BlockDeviceTune, in dir: String) throws(VirError) {
        if let weight = tune.weight { try writeDeviceWeight(weight, of: tune, files: ["io.bfq.weight", "io.weight"], in: dir) }
        let throttles = tune.throttles
        guard !throttles.isEmpty else { return }
        let limits = throttles.map { "\($0.throttle.v2Key)=\($0.value == 0 ? "max" : String($0.value))" }
        try CgroupFile.write(([tune.device] + limits).joined(separator: " "), to: dir + "/io.max")
    }

    /// Writes `1` to `cgroup.kill` (Linux 5.14 and later); false if the kernel lacks it.
    public func killAllNatively(in dir: String) throws(VirError) -> Bool {
        let path = dir + "/cgroup.kill"
        guard CgroupFile.exists(path) else { return false }
        try CgroupFile.write("1", to: path)
        return true
    }
}
