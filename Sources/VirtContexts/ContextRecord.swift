import FoundationEssentials
import VirtError
import VirtSystem

/// What a context's state directory records about it, beyond the files its keeper reads
/// (`flags`, `ccaps`, `uname`) and the keeper or the init write (`status`, `reboot`).
struct ContextRecord: Codable, Sendable {
    var xid: UInt32
    /// The host pid of the context's first process (pid 1 inside with VXF_INFO_INIT), and
    /// its start time in clock ticks, which tells a later reader whether that pid is still
    /// the same process.
    var initPID: Int32
    var initStartTime: UInt64
    /// Whether the first process is swiftvirt-init (contexts created VXF_PERSISTENT), which
    /// re-reads the flags when signalled, rather than the command itself.
    var hasInit: Bool
    /// The process `vx_migrate` with VXM_SET_INIT made the context's init, which `vx_info`
    /// reports instead of ``initPID``.
    var designatedInitPID: Int32? = nil
    /// The controllers of its cgroup (``CgroupController`` names).
    var controllers: [String]
    /// CLONE_NEW* bits of the namespaces the context has.
    var namespaces: UInt64
    /// Seconds since the epoch.
    var createdAt: Double
    /// Monotonic and boottime offset of the context's time namespace, in nanoseconds.
    var timeOffset: Int64
    /// The capability bounding set of its processes.
    var boundingSet: UInt64
    /// VHIN_CONTEXT.
    var name: String
    /// pids.max while VXF_INFO_NPROC is set (at creation or later).
    var processLimit: Int64?
}

extension ContextRecord {
    /// ``controllers`` as a set.
    var controllerSet: Set<CgroupController> { Set(controllers.compactMap(CgroupController.init(rawValue:))) }

    static func decode(_ data: Data) throws(VirError) -> ContextRecord {
        do {
            return try JSONDecoder().decode(ContextRecord.self, from: data)
        } catch {
            throw VirError(.internalError, "corrupt context record: \(error)", domain: .none)
        }
    }

    func encoded() -> Data {
        // Encoding a plain struct of numbers and strings cannot fail.
        (try? JSONEncoder().encode(self)) ?? Data()
    }
}
