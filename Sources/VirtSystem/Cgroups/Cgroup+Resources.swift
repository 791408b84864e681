import VirtError

extension Cgroup {
    /// Sets the memory limit in bytes (v1 `memory.limit_in_bytes`, v2 `memory.max`); nil
    /// removes it. The limit must be greater than 0.
    public func setMemoryLimit(_ bytes: Int64?) throws(VirError) {
        let limit = try CgroupLimit(bytes, what: "memory limit")
        let member = try member(.memory)
        try member.backend.setMemoryLimit(limit, in: member.directory)
    }

    /// Sets the soft memory limit in bytes (v1 `memory.soft_limit_in_bytes`, v2 `memory.high`);
    /// nil removes it.
    public func setMemorySoftLimit(_ bytes: Int64?) throws(VirError) {
        let limit = try CgroupLimit(bytes, what: "memory soft limit")
        let member = try member(.memory)
        try member.backend.setMemorySoftLimit(limit, in: member.directory)
    }

    /// Sets the limit of memory and swap together in bytes, given the memory limit `memory`
    /// in force (v1 `memory.memsw.limit_in_bytes`, v2 `memory.swap.max`); nil removes it.
    public func setMemorySwapLimit(_ bytes: Int64?, memory: Int64?) throws(VirError) {
        let limit = try CgroupLimit(bytes, what: "memory and swap limit")
        let member = try member(.memory)
        try member.backend.setMemorySwapLimit(limit, memory: try CgroupLimit(memory, what: "memory limit"), in: member.directory)
    }

    /// The memory in use in bytes (v1 `memory.usage_in_bytes`, v2 `memory.current`).
    public func memoryUsage() throws(VirError) -> UInt64 {
        let member = try member(.memory)
        return try member.backend.memoryUsage(in: member.directory)
    }

    /// How many tasks the OOM killer has killed here (`oom_kill` of v1 `memory.oom_control`,
    /// v2 `memory.events`).
    public func oomKillCount() throws(VirError) -> UInt64 {
        let member = try member(.memory)
        return try member.backend.oomKillCount(in: member.directory)
    }

    /// Sets the CPU weight in v1 shares (2…262144; v2 gets the equivalent `cpu.weight`).
    public func setCPUShares(_ shares: UInt64) throws(VirError) {
        let value = try CPUShares(shares)
        let member = try member(.cpu)
        try member.backend.setCPUShares(value, in: member.directory)
    }

    /// The CPU weight in v1 shares (on v2, the smallest shares that map to `cpu.weight`).
    public func cpuShares() throws(VirError) -> UInt64 {
        let member = try member(.cpu)
        return try member.backend.cpuShares(in: member.directory).shares
    }

    /// Limits the cgroup to `quota` microseconds of CPU time per `period` (nil quota: no limit).
    public func setCPUQuota(_ quota: UInt64?, period: UInt64 = 100_000) throws(VirError) {
        let value = try CPUQuota(quota: quota, period: period)
        let member = try member(.cpu)
        try member.backend.setCPUQuota(value, in: member.directory)
    }

    /// CPU time used by the cgroup's tasks, in nanoseconds (v1 `cpuacct.usage`, v2 `cpu.stat`).
    public func cpuUsageNanoseconds() throws(VirError) -> UInt64 {
        let member = try member(.cpuacct)
        return try member.backend.cpuUsage(in: member.directory)
    }

    /// Sets the CPUs and/or memory nodes the tasks may use (`cpuset.cpus`, `cpuset.mems`),
    /// e.g. `"0-3,6"`. Both lists are validated before either is written.
    public func setCpuset(cpus: String?, mems: String?) throws(VirError) {
        let cpuList = try cpus.map { text throws(VirError) in try CPUList(text) }
        let memList = try mems.map { text throws(VirError) in try CPUList(text) }
        let directory = try member(.cpuset).directory
        if let cpuList { try CgroupFile.write(cpuList.description, to: directory + "/cpuset.cpus") }
        if let memList { try CgroupFile.write(memList.description, to: directory + "/cpuset.mems") }
    }

    /// The CPUs and memory nodes the tasks may use, as the kernel lists them (empty on v2
    /// when inherited from the parent).
    public func cpuset() throws(VirError) -> (cpus: String, mems: String) {
        let directory = try member(.cpuset).directory
        return (try CgroupFile.readLine(directory + "/cpuset.cpus"), try CgroupFile.readLine(directory + "/cpuset.mems"))
    }

    /// Sets the block I/O weight, 10…1000 (v1 `blkio.weight`/`blkio.bfq.weight`, v2
    /// `io.bfq.weight`/`io.weight`). `.operationUnsupported` if the kernel offers none.
    public func setBlkioWeight(_ weight: UInt16) throws(VirError) {
        guard (10...1000).contains(weight) else {
            throw VirError(.invalidArg, "blkio weight must be within 10...1000, got \(weight)", domain: .cgroup)
        }
        let member = try member(.blkio)
        try member.backend.setBlkioWeight(weight, in: member.directory)
    }

    /// Allows access to devices matching `rule` (v1 `devices.allow`; unsupported on v2).
    public func allowDevice(_ rule: DeviceRule) throws(VirError) {
        let member = try member(.devices)
        try member.backend.apply(rule, allow: true, in: member.directory)
    }

    /// Denies access to devices matching `rule` (v1 `devices.deny`; unsupported on v2).
    public func denyDevice(_ rule: DeviceRule) throws(VirError) {
        let member = try member(.devices)
        try member.backend.apply(rule, allow: false, in: member.directory)
    }

    /// Denies every device (`a` to `devices.deny`), the start of a default-deny policy that
    /// ``allowDevice(_:)`` then opens up.
    public func denyAllDevices() throws(VirError) {
        try denyDevice(.everything)
    }
}
