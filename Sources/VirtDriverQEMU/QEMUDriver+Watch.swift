import QMP
import VirtCore
import VirtError
import VirtXML

extension QEMUDriver {
    /// Handles `vm`'s monitor events as they come (on the monitor's thread, in order with
    /// the replies, so that a call's own state change and QEMU's event for it never pass
    /// each other), and waits, on a task of its own, for its process to end; then records
    /// the end. Cancelled when the driver lets go of its domains.
    func watch(_ name: String, _ vm: QEMURunningDomain) {
        vm.qemu.monitor.handleEvents { [weak self] event in self?.handle(event, of: name, vm) }
        let task = Task { [self] in
            let exit = try? await vm.qemu.process.wait()
            guard exit != nil, !Task.isCancelled else { return }
            // The monitor closes with the process: its last events are handled first.
            for await _ in vm.qemu.monitor.events {}
            vm.qemu.monitor.close()
            vm.qemu.removeMonitorSocket()
            mutate { (domains, events) in
                guard domains[name]?.running === vm else { return }
                markStopped(name, in: &domains, events: &events)
            }
        }
        vm.watcher.withLock { $0 = task }
    }

    /// What one monitor event means for the domain: libvirt's `qemuProcessHandle…`.
    func handle(_ event: QMPEvent, of name: String, _ vm: QEMURunningDomain) {
        switch event.name {
        case "STOP":
            transition(name, vm, to: .paused, otherwise: .pausedUnknown)
        case "RESUME":
            transition(name, vm, to: .running, otherwise: .runningUnpaused)
        case "SHUTDOWN":
            guestShutDown(name, vm, reason: event.data["reason"]?.stringValue ?? "")
        case "GUEST_PANICKED":
            guestPanicked(name, vm)
        default:
            break
        }
    }

    /// Moves a running domain to paused, or a paused (shut down, crashed) one to running,
    /// with the reason the driver expected (set before it sent `stop` or `cont`), else
    /// `otherwise`. The driver's own call and QEMU's event both get here; whichever comes
    /// first reports the change.
    func transition(_ name: String, _ vm: QEMURunningDomain, to state: DomainState, otherwise: DomainStateReason) {
        mutate { (domains, events) in
            guard var domain = domains[name], domain.running === vm, domain.ending == nil, domain.state != state else { return }
            if state == .paused && domain.state != .running { return }
            let reason = domain.expectedReason ?? otherwise
            domain.expectedReason = nil
            domain.state = state
            domain.reason = reason
            domains[name] = domain
            events.append(state == .paused
                          ? DomainEvent(domain: domain.identity, type: .suspended, detail: .suspendedPaused)
                          : DomainEvent(domain: domain.identity, type: .resumed, detail: .resumedUnpaused))
        }
    }

    /// The guest powered off (QEMU, run with `-no-shutdown`, stays, paused): reported as
    /// shut down, then `on_poweroff` applies, or `on_reboot` for a guest that reset under
    /// `-no-reboot`, or a reset if `virDomainReboot` asked for one. Our own `quit` and a
    /// panic (``guestPanicked(_:_:)``) are not guest shutdowns.
    func guestShutDown(_ name: String, _ vm: QEMURunningDomain, reason: String) {
        guard !["host-qmp-quit", "guest-panic"].contains(reason) else { return }
        let action = mutate { (domains, events) -> LifecycleAction? in
            guard var domain = domains[name], domain.running === vm, domain.ending == nil else { return nil }
            let action: LifecycleAction = domain.rebootRequested ? .restart
                : reason == "guest-reset" ? domain.definition.onReboot : domain.definition.onPoweroff
            domain.state = .shutdown
            domain.reason = .shutdownUser
            if action.destroys { domain.ending = .shutdown }
            domains[name] = domain
            events.append(DomainEvent(domain: domain.identity, type: .shutdown, detail: .shutdownFinished))
            return action
        }
        if let action { apply(action, to: name, vm) }
    }

    /// The guest panicked: reported as crashed, then `on_crash` applies.
    func guestPanicked(_ name: String, _ vm: QEMURunningDomain) {
        let action = mutate { (domains, events) -> LifecycleAction? in
            guard var domain = domains[name], domain.running === vm, domain.ending == nil else { return nil }
            domain.state = .crashed
            domain.reason = .crashedPanicked
            if domain.definition.onCrash.destroys { domain.ending = .crashed }
            domains[name] = domain
            events.append(DomainEvent(domain: domain.identity, type: .crashed, detail: .crashedPanicked))
            return domain.definition.onCrash
        }
        if let action { apply(action, to: name, vm) }
    }

    /// Carries out a lifecycle action on a guest that stopped: ends QEMU, or resets the
    /// guest and lets it run again (libvirt's "fake reboot"), or leaves it as it is.
    private func apply(_ action: LifecycleAction, to name: String, _ vm: QEMURunningDomain) {
        if action.destroys {
            Task { await vm.qemu.terminate() }
        } else if action.restarts {
            Task {
                try? await vm.jobs.run { () async throws(VirError) in
                    mutate { (domains, _) in
                        guard domains[name]?.running === vm else { return }
                        domains[name]?.rebootRequested = false
                        domains[name]?.expectedReason = .runningBooted
                    }
                    _ = try await vm.qemu.monitor.execute("system_reset")
                    _ = try await vm.qemu.monitor.execute("cont")
                    transition(name, vm, to: .running, otherwise: .runningBooted)
                }
            }
        }
    }
}

extension LifecycleAction {
    /// Whether the action ends the domain (`destroy`, and what this driver does for
    /// `rename-restart` and `coredump-destroy`).
    var destroys: Bool { [.destroy, .renameRestart, .coredumpDestroy].contains(self) }
    /// Whether the action runs the guest again (`restart`, `coredump-restart`).
    var restarts: Bool { [.restart, .coredumpRestart].contains(self) }
}
