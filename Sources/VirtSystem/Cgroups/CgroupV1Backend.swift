import VirtError

/// A cgroup v1 hierarchy: one directory tree per mounted set of controllers, with
/// `memory.limit_in_bytes`, `cpu.shares`, `freezer.state`, `devices.allow` and the like.
public struct CgroupV1Backend: CgroupBackend {
    /// The v1 hierarchy this backend writes to.
    public let hierarchy: CgroupHierarchy

    /// A backend for `hierarchy`, which must be a v1 one.
    public init(hierarchy: CgroupHierarchy) { self.hierarchy = hierarchy }

    /// v1 lists threads in `tasks`.
    public var threadsFile: String { "tasks" }

    /// Creates every missing directory of `path`. In a hierarchy with the cpuset controller a
    /// new cgroup starts with empty `cpuset.cpus` and `cpuset.mems`, which refuse tasks, so
    /// each directory along the path that has them empty gets its parent's values.
    @discardableResult
    public func create(_ path: CgroupPath, for controllers: Set<CgroupController>) throws(VirError) -> Bool {
        let hasCpuset = hierarchy.controllers.contains(CgroupController.cpuset.rawValue)
        var parent = hierarchy.directory(of: CgroupPath.root)
        var created = false
        for component in path.components {
            let dir = parent + "/" + component
            created = try CgroupFile.makeDirectory(dir)
            if hasCpuset {
                try inheritCpuset(from: parent, to: dir, isNew: created)
            }
            parent = dir
        }
        return created
    }

    private func inheritCpuset(from parent: String, to dir: String, isNew: Bool) throws(VirError) {
        for file in ["cpuset.cpus", "cpuset.mems"] {
            let isEmpty = if isNew { true } else { try CgroupFile.readLine(dir + "/" + file).isEmpty }
            if isEmpty {
                try CgroupFile.write(try CgroupFile.readLine(parent + "/" + file), to: dir + "/" + file)
            }
        }
    }

    /// Writes `memory.limit_in_bytes` (`-1` for no limit).
    public func setMemoryLimit(_ limit: CgroupLimit, in dir: String) throws(VirError) {
        try CgroupFile.write(limit.text(unlimited: "-1"), to: dir + "/memory.limit_in_bytes")
    }

    /// Writes `memory.soft_limit_in_bytes` (`-1` for no limit).
    public func setMemorySoftLimit(_ limit: CgroupLimit, in dir: String) throws(VirError) {
        try CgroupFile.write(limit.text(unlimited: "-1"), to: dir + "/memory.soft_limit_in_bytes")
    }

    /// Writes `memory.memsw.limit_in_bytes` (`-1` for no limit), which exists only with swap
    /// accounting (`swapaccount=1`).
    public func setMemorySwapLimit(_ limit: CgroupLimit, memory: CgroupLimit, in dir: String) throws(VirError) {
        try CgroupFile.write(limit.text(unlimited: "-1"), to: dir + "/memory.memsw.limit_in_bytes")
    }

    /// Reads `memory.usage_in_bytes`.
    public func memoryUsage(in dir: String) throws(VirError) -> UInt64 {
        try CgroupFile.readNumber(dir + "/memory.usage_in_bytes")
    }

    /// Reads `oom_kill` from `memory.oom_control`.
    public func oomKillCount(in dir: String) throws(VirError) -> UInt64 {
        try CgroupFile.readKey("oom_kill", in: dir + "/memory.oom_control")
    }

    /// Writes `cpu.shares`.
    public func setCPUShares(_ shares: CPUShares, in dir: String) throws(VirError) {
        try CgroupFile.write(String(shares.shares), to: dir + "/cpu.shares")
    }

    /// Reads `cpu.shares`.
    public func cpuShares(in dir: String) throws(VirError) -> CPUShares {
        try CPUShares(CgroupFile.readNumber(dir + "/cpu.shares"))
    }

    /// Writes `cpu.cfs_period_us`, then `cpu.cfs_quota_us` (`-1` for no limit).
    public func setCPUQuota(_ quota: CPUQuota, in dir: String) throws(VirError) {
        try CgroupFile.write(String(quota.period), to: dir + "/cpu.cfs_period_us")
        try CgroupFile.write(quota.quota.map(String.init) ?? "-1", to: dir + "/cpu.cfs_quota_us")
    }

    /// Reads `cpuacct.usage` (nanoseconds).
    public func cpuUsage(in dir: String) throws(VirError) -> UInt64 {
        try CgroupFile.readNumber(dir + "/cpuacct.usage")
    }

    /// Writes `FROZEN` or `THAWED` to `freezer.state`.
    public func setFrozen(_ frozen: Bool, in dir: String) throws(VirError) {
        try CgroupFile.write((frozen ? FreezerState.frozen : .thawed).rawValue, to: dir + "/freezer.state")
    }

    /// Reads `freezer.state`.
    public func freezerState(in dir: String) throws(VirError) -> FreezerState {
        let path = dir + "/freezer.state"
        let text = try CgroupFile.readLine(path)
        guard let state = FreezerState(rawValue: text) else { throw CgroupFile.malformed(path, text) }
        return state
    }

    /// Polls `freezer.state` (each read advances the kernel's FREEZING → FROZEN transition)
    /// with short sleeps, repeating the request while it is FREEZING; throws if the cgroup
    /// gets thawed meanwhile.
    public func waitUntilFrozen(in dir: String, deadline: ContinuousClock.Instant) throws(VirError) {
        try CgroupPoll.until(deadline, timeoutMessage: "cgroup '\(dir)' did not reach FROZEN in time; not frozen: " + unfrozenTasks(in: dir)) { () throws(VirError) in
            switch try freezerState(in: dir) {
            case .frozen: return true
            case .thawed: throw VirError(.operationFailed, "cgroup '\(dir)' was thawed while freezing", domain: .cgroup)
            case .freezing:
                // The kernel marks a task frozen when the request finds it asleep; one that
                // was running then and has since gone to sleep unawares (a vfork parent
                // waiting for its frozen child) is only found by asking again.
                try setFrozen(true, in: dir)
                return false
            }
        }
    }

    /// The tasks of the cgroup outside the freezer's wait, as "PID (COMMAND) in KERNEL-FUNCTION",
    /// for the error that says why freezing took too long.
    private func unfrozenTasks(in dir: String) -> String {
        let tasks = ((try? CgroupFile.read(dir + "/tasks")) ?? "").split(separator: "\n").compactMap { Int32($0) }
        let stuck = tasks.compactMap { (task) -> String? in
            let wchan = (try? SystemFile.readLine("/proc/\(task)/wchan")) ?? "?"
            guard !wchan.contains("refrigerator"), !wchan.contains("freezer") else { return nil }
            let command = (try? SystemFile.readLine("/proc/\(task)/comm")) ?? "?"
            return "\(task) (\(command)) in \(wchan)"
        }
        return stuck.isEmpty ? "none left" : stuck.joined(separator: ", ")
    }

    /// Writes the rule to `devices.allow` or `devices.deny`.
    public func apply(_ rule: DeviceRule, allow: Bool, in dir: String) throws(VirError) {
        try CgroupFile.write(rule.description, to: dir + (allow ? "/devices.allow" : "/devices.deny"))
    }

    /// Writes `blkio.weight`, or `blkio.bfq.weight` on kernels where BFQ replaced CFQ.
    public func setBlkioWeight(_ weight: UInt16, in dir: String) throws(VirError) {
        try writeFirstExisting([("blkio.weight", String(weight)), ("blkio.bfq.weight", String(weight))],
                               in: dir, what: "the blkio weight")
    }

    /// Writes the weight to `blkio.weight_device` (CFQ) or `blkio.bfq.weight_device`, and each
    /// throttle to its `blkio.throttle.*_device` file, as `MAJOR:MINOR VALUE`.
    public func apply(_ tune: BlockDeviceTune, in dir: String) throws(VirError) {
        if let weight = tune.weight {
            try writeDeviceWeight(weight, of: tune, files: ["blkio.weight_device", "blkio.bfq.weight_device"], in: dir)
        }
        for (throttle, value) in tune.throttles {
            try CgroupFile.write("\(tune.device) \(value)", to: dir + "/" + throttle.v1File)
        }
    }

    /// v1 has no kill-all file.
    public func killAllNatively(in dir: String) throws(VirError) -> Bool { false }
}
