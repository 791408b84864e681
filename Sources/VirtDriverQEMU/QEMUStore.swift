import VirtCore
import VirtSystem
import VirtXML
import VirtError

/// Where a `qemu:///embed?root=ROOT` driver keeps its domains: a ``DomainStore`` whose run
/// files record each QEMU's process, plus `ROOT/run/NAME.monitor` (its monitor's socket),
/// `ROOT/log/NAME.log` (what QEMU printed) and `ROOT/cache` (probed capabilities).
typealias QEMUStore = DomainStore<QEMURunStatus>

/// What `ROOT/run/NAME.json` records of a running QEMU, for the next driver to adopt it.
struct QEMURunStatus: Codable, Sendable, Equatable {
    /// The domain id.
    var id: Int32
    /// QEMU's pid, and what tells it from a later process with the same pid.
    var pid: Int32
    var identity: ProcessIdentity
}

extension DomainStore where RunStatus == QEMURunStatus {
    /// The store of the QEMU driver at `root`.
    init(root: String) { self.init(root: root, errorDomain: .qemu) }

    /// `ROOT/log`: one log per domain, appended to by each of its QEMUs.
    var logDirectory: String { root + "/log" }
    /// `ROOT/cache`: the capabilities probed of each QEMU binary.
    var cacheDirectory: String { root + "/cache" }

    /// Records `definition` as the live definition of the QEMU `qemu`, domain id `id`.
    func saveRun(_ definition: DomainDefinition, id: Int32, qemu: QEMUProcess) throws(VirError) {
        try saveRun(definition, QEMURunStatus(id: id, pid: qemu.process.pid, identity: try qemu.process.identity()))
    }

    /// The files of `name`'s QEMU.
    func paths(of name: String) -> QEMUProcess.Paths {
        QEMUProcess.Paths(runDirectory: runDirectory, logDirectory: logDirectory, name: name)
    }
}
