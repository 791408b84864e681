import Glibc
import VirtError

/// The file formats of one kind of cgroup hierarchy: ``CgroupV1Backend`` or ``CgroupV2Backend``.
///
/// A ``Cgroup`` picks a backend per controller, so a hybrid host mixes them freely. Every
/// `dir` is the absolute directory of one cgroup in ``hierarchy``. Values arrive validated.
/// Files that both versions share (`cgroup.procs`, `cpuset.*`, `pids.*`) are handled by
/// ``Cgroup`` itself.
public protocol CgroupBackend: Sendable {
    /// The hierarchy this backend writes to.
    var hierarchy: CgroupHierarchy { get }
    /// The file listing a cgroup's threads (`tasks` on v1, `cgroup.threads` on v2).
    var threadsFile: String { get }

    /// Creates the cgroup at `path` with its missing ancestors, so that `controllers` can be
    /// used in it and tasks can join it. Returns whether the cgroup itself is new.
    @discardableResult
    func create(_ path: CgroupPath, for controllers: Set<CgroupController>) throws(VirError) -> Bool
    /// Sets or removes (nil) the memory limit.
    func setMemoryLimit(_ limit: CgroupLimit, in dir: String) throws(VirError)
    /// Sets or removes (nil) the soft memory limit, down to which the kernel reclaims first.
    func setMemorySoftLimit(_ limit: CgroupLimit, in dir: String) throws(VirError)
    /// Sets or removes (nil) the limit of memory and swap together; `memory` is the memory
    /// limit in force, which v2 needs to express the swap part alone.
    func setMemorySwapLimit(_ limit: CgroupLimit, memory: CgroupLimit, in dir: String) throws(VirError)
    /// The memory in use, in bytes.
    func memoryUsage(in dir: String) throws(VirError) -> UInt64
    /// How many tasks the OOM killer killed in the cgroup.
    func oomKillCount(in dir: String) throws(VirError) -> UInt64
    /// Sets the CPU weight.
    func setCPUShares(_ shares: CPUShares, in dir: String) throws(VirError)
    /// The CPU weight, in v1 shares.
    func cpuShares(in dir: String) throws(VirError) -> CPUShares
    /// Sets the CFS bandwidth limit.
    func setCPUQuota(_ quota: CPUQuota, in dir: String) throws(VirError)
    /// CPU time consumed by the cgroup's tasks, in nanoseconds.
    func cpuUsage(in dir: String) throws(VirError) -> UInt64
    /// Asks the kernel to freeze (true) or thaw (false) every task; does not wait.
    func setFrozen(_ frozen: Bool, in dir: String) throws(VirError)
    /// The current freezer state.
    func freezerState(in dir: String) throws(VirError) -> FreezerState
    /// Blocks until the cgroup is frozen, or throws `.operationTimeout` at `deadline`.
    func waitUntilFrozen(in dir: String, deadline: ContinuousClock.Instant) throws(VirError)
    /// Adds an allow (`allow == true`) or deny rule for devices.
    func apply(_ rule: DeviceRule, allow: Bool, in dir: String) throws(VirError)
    /// Sets the block I/O weight (10…1000).
    func setBlkioWeight(_ weight: UInt16, in dir: String) throws(VirError)
    /// Applies one block device's weight and throttles.
    func apply(_ tune: BlockDeviceTune, in dir: String) throws(VirError)
    /// Kills every task with one kernel operation if the hierarchy has one (v2 `cgroup.kill`);
    /// returns false when it has none and the caller must freeze, signal and thaw.
    func killAllNatively(in dir: String) throws(VirError) -> Bool
}

extension CgroupBackend {
    /// Writes the first candidate whose file exists in `dir`; `.operationUnsupported` if none does.
    func writeFirstExisting(_ candidates: [(file: String, value: String)], in dir: String, what: String) throws(VirError) {
        guard let chosen = candidates.first(where: { CgroupFile.exists(dir + "/" + $0.file) }) else {
            let files = candidates.map(\.file).joined(separator: ", ")
            throw VirError(.operationUnsupported, "cannot set \(what) in '\(dir)': the kernel offers none of \(files)", domain: .cgroup)
        }
        try CgroupFile.write(chosen.value, to: dir + "/" + chosen.file)
    }

    /// Writes `MAJOR:MINOR WEIGHT` to the first of `files` that exists. A kernel that refuses
    /// it as unsupported has a scheduler without per-device weights on that device.
    func writeDeviceWeight(_ weight: UInt32, of tune: BlockDeviceTune, files: [String], in dir: String) throws(VirError) {
        let line = "\(tune.device) \(weight)"
        do throws(VirError) {
            try writeFirstExisting(files.map { ($0, line) }, in: dir, what: "a per-device block I/O weight")
        } catch {
            guard error.int1 == EOPNOTSUPP else { throw error }
            throw VirError(.operationUnsupported,
                           "block device \(tune.device) takes no per-device weight: its I/O scheduler is neither BFQ nor CFQ",
                           domain: .cgroup)
        }
    }
}
