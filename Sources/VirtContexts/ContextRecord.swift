import FoundationEssentials
import VirtError
import VirtSystem

/// What a context's state directory records about it, beyond the files its keeper reads
/// (`flags`, `ccaps`, `uname`) and the keeper or the init write (`status`, `reboot`).
struct ContextRecord: Equatable, Sendable {
    var xid: UInt32
    /// The host pid of the context's first process (pid 1 inside with VXF_INFO_INIT), and
    /// its identity, which tells a later reader whether that pid is still the same process.
    var initPID: Int32
    var initIdentity: ProcessIdentity
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
    /// The inode of its cgroup directory (``ContextSystem/cgroupInode(_:)``): cgroups are
    /// named by xid for every root, so once this context is gone and its cgroups removed,
    /// another root's context may have the xid's cgroups, which must not pass for this one's.
    var cgroupInode: UInt64? = nil
}

extension ContextRecord {
    /// ``controllers`` as a set.
    var controllerSet: Set<CgroupController> { Set(controllers.compactMap(CgroupController.init(rawValue:))) }

    /// The record as its file holds it: one `key value` line per field. Every creation
    /// writes one, so it is plain text rather than JSON, whose encoder costs more than the
    /// rest of the record's work together.
    func encoded() -> [UInt8] {
        var lines = [
            "xid \(xid)", "init-pid \(initPID)", "init-identity \(initIdentity)", "has-init \(hasInit)",
            "controllers \(controllers.joined(separator: " "))", "namespaces \(String(namespaces, radix: 16))",
            "created-at \(createdAt)", "time-offset \(timeOffset)", "bounding-set \(String(boundingSet, radix: 16))",
        ]
        if let designatedInitPID { lines.append("designated-init-pid \(designatedInitPID)") }
        if let processLimit { lines.append("process-limit \(processLimit)") }
        if let cgroupInode { lines.append("cgroup-inode \(cgroupInode)") }
        lines.append("name \(name)")  // last: a name may hold spaces (never a newline, see validate(uname:for:))
        return Array((lines.joined(separator: "\n") + "\n").utf8)
    }

    /// Parses what ``encoded()`` wrote.
    init(parsing text: String) throws(VirError) {
        var fields: [Substring: Substring] = [:]
        for line in text.split(separator: "\n") {
            let key = line.prefix { $0 != " " }
            fields[key] = line.dropFirst(key.count + 1)
        }
        func corrupt(_ key: String) -> VirError {
            VirError(.internalError, "corrupt context record: no valid '\(key)' in '\(text.prefix(200))'", domain: .none)
        }
        func field<T>(_ key: String, _ parse: (Substring) -> T?) throws(VirError) -> T {
            guard let value = fields[Substring(key)], let parsed = parse(value) else { throw corrupt(key) }
            return parsed
        }
        func optional<T>(_ key: String, _ parse: (Substring) -> T?) throws(VirError) -> T? {
            fields[Substring(key)] == nil ? nil : try field(key, parse)
        }
        self.init(
            xid: try field("xid") { UInt32($0) }, initPID: try field("init-pid") { Int32($0) },
            initIdentity: try field("init-identity") { ProcessIdentity($0) }, hasInit: try field("has-init") { Bool(String($0)) },
            designatedInitPID: try optional("designated-init-pid") { Int32($0) },
            controllers: try field("controllers") { $0.split(separator: " ").map(String.init) },
            namespaces: try field("namespaces") { UInt64($0, radix: 16) }, createdAt: try field("created-at") { Double($0) },
            timeOffset: try field("time-offset") { Int64($0) }, boundingSet: try field("bounding-set") { UInt64($0, radix: 16) },
            name: try field("name") { String($0) }, processLimit: try optional("process-limit") { Int64($0) },
            cgroupInode: try optional("cgroup-inode") { UInt64($0) })
    }
}
