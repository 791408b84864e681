import VirtCore
import VirtError
import VirtXML

extension QEMUDriver {
    /// Corresponds to `virDomainSuspend`: `stop`. A paused domain stays paused, as with
    /// libvirt's QEMU driver.
    public func suspend(_ identity: DomainIdentity) async throws {
        try await job(identity) { (vm) throws(VirError) in
            guard try expect(.pausedUser, of: identity, vm, unless: .paused) else { return }
            _ = try await vm.qemu.monitor.execute("stop")
            transition(identity.name, vm, to: .paused, otherwise: .pausedUser)
        }
    }

    /// Corresponds to `virDomainResume`: `cont`, for a paused or crashed domain; a running
    /// one goes on running, as with libvirt's QEMU driver.
    public func resume(_ identity: DomainIdentity) async throws {
        try await job(identity) { (vm) throws(VirError) in
            guard try expect(.runningUnpaused, of: identity, vm, unless: .running) else { return }
            _ = try await vm.qemu.monitor.execute("cont")
            transition(identity.name, vm, to: .running, otherwise: .runningUnpaused)
        }
    }

    /// Corresponds to `virDomainShutdownFlags` with `VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN`
    /// (the default): presses the power button (`system_powerdown`) and returns. Once the
    /// guest has powered off, `on_poweroff` applies.
    public func shutdown(_ identity: DomainIdentity, flags: ShutdownFlags) async throws {
        try Self.checkPowerButton(flags, call: "shutdown")
        try await pressPowerButton(identity, reboot: false)
    }

    /// Corresponds to `virDomainReboot` with `VIR_DOMAIN_REBOOT_ACPI_POWER_BTN` (the
    /// default): presses the power button, and when the guest has powered off, resets it
    /// and lets it run again (libvirt's "fake reboot"). With `on_reboot` destroy or
    /// preserve, it is a shutdown, as in libvirt.
    public func reboot(_ identity: DomainIdentity, flags: RebootFlags) async throws {
        try Self.checkPowerButton(flags, call: "reboot")
        try await pressPowerButton(identity, reboot: true)
    }

    /// Corresponds to `virDomainReset`: `system_reset`, the reset button.
    public func reset(_ identity: DomainIdentity) async throws {
        try await job(identity) { (vm) throws(VirError) in _ = try await vm.qemu.monitor.execute("system_reset") }
    }

    private static func checkPowerButton(_ flags: ShutdownFlags, call: String) throws(VirError) {
        guard flags.isEmpty || flags == .acpiPowerBtn else {
            throw VirError(.argumentUnsupported, "qemu can \(call) only by the ACPI power button (VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN) for now", domain: .qemu)
        }
    }

    private func pressPowerButton(_ identity: DomainIdentity, reboot: Bool) async throws(VirError) {
        try await job(identity) { (vm) throws(VirError) in
            try mutate { (domains, _) throws(VirError) in
                var domain = try domains.find(identity)
                guard domain.state == .running else {
                    throw VirError(.operationInvalid, "domain is not running", domain: .qemu)
                }
                domain.rebootRequested = reboot && domain.definition.onReboot.restarts
                domains[identity.name] = domain
            }
            _ = try await vm.qemu.monitor.execute("system_powerdown")
        }
    }

    /// Records the reason the state change the driver is about to ask for will have, or
    /// does nothing (returning false) if the domain is already in `state`.
    private func expect(_ reason: DomainStateReason, of identity: DomainIdentity, _ vm: QEMURunningDomain, unless state: DomainState) throws(VirError) -> Bool {
        try mutate { (domains, _) throws(VirError) -> Bool in
            var domain = try domains.find(identity)
            guard domain.running === vm, domain.state != state else { return false }
            domain.expectedReason = reason
            domains[identity.name] = domain
            return true
        }
    }
}
