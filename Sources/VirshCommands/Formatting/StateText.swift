import SwiftVirt

/// The words virsh uses for domain states and their reasons.
enum StateText {
    /// `running`, `paused`, `shut off`, …
    static func name(_ state: DomainState) -> String {
        switch state {
        case .noState: "no state"
        case .running: "running"
        case .blocked: "idle"
        case .paused: "paused"
        case .shutdown: "in shutdown"
        case .shutoff: "shut off"
        case .crashed: "crashed"
        case .pmSuspended: "pmsuspended"
        }
    }

    /// The reason as virsh words it for `state`, e.g. `booted`, `from snapshot`.
    static func reason(_ reason: DomainStateReason, for state: DomainState) -> String {
        let names: [String]
        switch state {
        case .running:
            names = ["unknown", "booted", "migrated", "restored", "from snapshot", "unpaused", "migration canceled",
                     "save canceled", "event wakeup", "crashed", "post-copy", "post-copy failed"]
        case .paused:
            names = ["unknown", "user", "migrating", "saving", "dumping", "I/O error", "watchdog", "from snapshot",
                     "shutting down", "creating snapshot", "crashed", "starting up", "post-copy", "post-copy failed",
                     "api error"]
        case .shutdown: names = ["unknown", "user"]
        case .shutoff:
            names = ["unknown", "shutdown", "destroyed", "crashed", "migrated", "saved", "failed", "from snapshot", "daemon"]
        case .crashed: names = ["unknown", "panicked"]
        case .noState, .blocked, .pmSuspended: names = ["unknown"]
        }
        let index = Int(reason.rawValue)
        return names.indices.contains(index) ? names[index] : "unknown"
    }
}
