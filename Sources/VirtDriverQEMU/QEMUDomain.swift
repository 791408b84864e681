import Synchronization
import VirtCore
import VirtError
import VirtXML

/// One domain of a `qemu:///embed` driver.
struct QEMUDomain: ManagedDomain {
    static let errorDomain = ErrorDomain.qemu

    var definition: DomainDefinition
    var isPersistent: Bool
    var pendingDefinition: DomainDefinition? = nil
    /// Its QEMU, while it runs.
    var running: QEMURunningDomain? = nil
    /// Its state and why: shut off until it runs; then what QEMU and the driver's own calls
    /// said last.
    var state: DomainState = .shutoff
    var reason: DomainStateReason = .shutoffShutdown
    /// Whether a start is under way (its QEMU not yet answering): a second start is refused.
    var isStarting = false
    /// Whether a snapshot call works on its images while it is shut off: starting it, or
    /// another such call, is refused meanwhile.
    var hasOfflineJob = false
    /// Its snapshots, as `ROOT/snapshot/NAME` keeps them.
    var snapshots = SnapshotTree()
    /// What ends its QEMU, once that is decided: how its end is reported.
    var ending: QEMUEnding? = nil
    /// Whether the guest was asked to reboot (`virDomainReboot`): its shutdown then resets
    /// it instead, as libvirt's "fake reboot" does.
    var rebootRequested = false
    /// The reason the next pause or resume has, when the driver asked for it.
    var expectedReason: DomainStateReason? = nil

    init(definition: DomainDefinition, isPersistent: Bool) {
        self.definition = definition
        self.isPersistent = isPersistent
    }

    var runningID: Int32? { running?.id }

    /// Whether a start or an offline snapshot job has it: refused to other changes.
    var isBusy: Bool { isStarting || hasOfflineJob }
}

/// Why a QEMU ends, as its stop event and shut-off reason report it.
enum QEMUEnding: Sendable {
    case destroyed, shutdown, crashed, saved, fromSnapshot

    /// The stop event's detail and the shut-off reason.
    var outcome: (DomainEventDetail, DomainStateReason) {
        switch self {
        case .destroyed: (.stoppedDestroyed, .shutoffDestroyed)
        case .shutdown: (.stoppedShutdown, .shutoffShutdown)
        case .crashed: (.stoppedCrashed, .shutoffCrashed)
        case .saved: (.stoppedSaved, .shutoffSaved)
        case .fromSnapshot: (.stoppedFromSnapshot, .shutoffFromSnapshot)
        }
    }
}

/// A domain's running QEMU: its process and monitor, its id, the lock its jobs take turns
/// on, and the task that watches it.
final class QEMURunningDomain: Sendable {
    /// The domain id (libvirt's QEMU ids count up from 1).
    let id: Int32
    /// The process and its monitor.
    let qemu: QEMUProcess
    /// One job at a time on the monitor.
    let jobs = DomainJobLock()
    /// Follows the monitor's events and waits for the process to end.
    let watcher = Mutex<Task<Void, Never>?>(nil)
    /// The progress of its background job (a save), while one runs.
    let jobProgress = Mutex<DomainJobInfo?>(nil)

    init(id: Int32, qemu: QEMUProcess) {
        self.id = id
        self.qemu = qemu
    }
}
