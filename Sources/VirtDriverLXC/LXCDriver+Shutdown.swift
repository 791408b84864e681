import VirtContexts
import VirtCore
import VirtError

#if canImport(Glibc)
import Glibc
#endif

extension LXCDriver {
    /// How long a container has to end after shutdown signalled its init, before it is
    /// killed.
    static let shutdownGracePeriod = Duration.seconds(30)

    /// Corresponds to `virDomainShutdownFlags` (`VIR_DOMAIN_SHUTDOWN_SIGNAL`, the default):
    /// sends SIGTERM to the container's init and returns. Once the init has ended,
    /// `on_poweroff` applies; if it has not ended after ``shutdownGracePeriod``, every process
    /// of the container is killed. As for any pid 1, an init that does not handle SIGTERM
    /// ignores it.
    public func shutdown(_ identity: DomainIdentity, flags: ShutdownFlags) async throws {
        guard flags.isEmpty || flags == .signal else {
            throw VirError(.argumentUnsupported, "lxc shuts down with a signal to the init (VIR_DOMAIN_SHUTDOWN_SIGNAL) only", domain: .lxc)
        }
        let (context, _) = try runningContext(identity)
        try context.kill(pid: 1, signal: SIGTERM)
        // The container's end cancels the timer (markStopped), before its xid can be reused.
        let timer = Task {
            do { try await Task.sleep(for: Self.shutdownGracePeriod) } catch { return }
            try? context.kill(pid: 0, signal: SIGKILL)
        }
        let replaced = domains.withLock { domains -> Task<Void, Never>? in
            guard domains[identity.name]?.xid == context.xid else { timer.cancel(); return nil }
            defer { domains[identity.name]?.shutdownTimer = timer }
            return domains[identity.name]?.shutdownTimer
        }
        replaced?.cancel()
    }

    /// Corresponds to `virDomainReboot`: ends every process of the container at once and,
    /// as `on_reboot` says (restart by default), starts its init again.
    public func reboot(_ identity: DomainIdentity, flags: RebootFlags) async throws {
        guard flags.rawValue == 0 else {
            throw VirError(.argumentUnsupported, "lxc reboots by restarting the container's init; no reboot method flags apply", domain: .lxc)
        }
        let (context, xid) = try runningContext(identity, marking: \.rebooting)
        try context.kill(pid: 0, signal: SIGKILL)
        if let watcher = watchers.withLock({ $0[xid] }) { await watcher.value }
    }

    /// The context of a running domain, after setting `flag` on it (if given).
    func runningContext(_ identity: DomainIdentity, marking flag: WritableKeyPath<LXCDomain, Bool>? = nil) throws(VirError) -> (Context, UInt32) {
        try mutate { (domains, _) throws(VirError) -> (Context, UInt32) in
            var domain = try domains.find(identity)
            guard let xid = domain.xid, let context = try? contexts.context(xid) else {
                throw VirError(.operationInvalid, "domain is not running", domain: .lxc)
            }
            if let flag {
                domain[keyPath: flag] = true
                domains[identity.name] = domain
            }
            return (context, xid)
        }
    }
}
