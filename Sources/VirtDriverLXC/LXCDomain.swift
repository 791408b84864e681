import VirtCore
import VirtError
import VirtXML

extension DomainDefinition {
    /// The memory a container gets: `<currentMemory>`, else `<memory>` when it has none.
    var containerMemoryKiB: UInt64 { currentMemory > 0 ? currentMemory : memory }
}

/// One container domain of an `lxc:///embed` driver.
struct LXCDomain: ManagedDomain {
    static let errorDomain = ErrorDomain.lxc

    /// The definition it runs with, or will start with.
    var definition: DomainDefinition
    /// Whether it has a persistent definition (`ROOT/config/NAME.xml`).
    var isPersistent: Bool
    /// While a persistent domain runs: its persistent definition, which define and
    /// `VIR_DOMAIN_AFFECT_CONFIG` change meanwhile, while the live one (with its console's
    /// pty, say) stays as it started. It takes over when it stops.
    var pendingDefinition: DomainDefinition? = nil
    /// The context it runs in, while it runs.
    var xid: UInt32?
    /// The host pid of its init, while it runs: its domain id, as libvirt's LXC ids are pids
    /// (`virDomainLxcEnterCGroup` finds the container's cgroups from it).
    var initPID: Int32?
    /// Why it is in its state.
    var reason: DomainStateReason = .shutoffShutdown
    /// Whether destroy has killed it: its end is then recorded as destroyed.
    var destroying = false
    /// Whether reboot has killed it: `on_reboot` then applies to its end.
    var rebooting = false
    /// After shutdown: kills it if it has not ended within the grace period. Cancelled when
    /// it ends.
    var shutdownTimer: Task<Void, Never>? = nil

    /// Its id while it runs: its init's host pid.
    var runningID: Int32? { initPID }
}

extension LXCDomain {
    /// A container that does not run.
    init(definition: DomainDefinition, isPersistent: Bool) {
        self.init(definition: definition, isPersistent: isPersistent, pendingDefinition: nil)
    }
}
