import VirtCore
import VirtError

extension QEMUDriver {
    /// Pauses the guest of `vm` (`stop`) for a job of the driver's: the domain is reported
    /// paused for `reason`, whichever of this call and QEMU's `STOP` event comes first.
    func stopGuest(of name: String, _ vm: QEMURunningDomain, reason: DomainStateReason) async throws(VirError) {
        mutate { (domains, _) in domains[name]?.expectedReason = reason }
        _ = try await vm.qemu.monitor.execute("stop")
        transition(name, vm, to: .paused, otherwise: reason)
    }

    /// Lets the guest of `vm` run again (`cont`): the domain is reported running for
    /// `reason`, whichever of this call and QEMU's `RESUME` event comes first.
    func continueGuest(of name: String, _ vm: QEMURunningDomain, reason: DomainStateReason) async throws(VirError) {
        mutate { (domains, _) in domains[name]?.expectedReason = reason }
        _ = try await vm.qemu.monitor.execute("cont")
        transition(name, vm, to: .running, otherwise: reason)
    }
}
