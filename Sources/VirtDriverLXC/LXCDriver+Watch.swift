import VirtContexts
import VirtCore
import VirtError
import VirtXML

extension LXCDriver {
    /// A container to watch: one this driver started (its init is our child, whose end we
    /// reap), or one adopted from an earlier process.
    enum Watched: Sendable {
        case started(RunningContext)
        case adopted(Context)
    }

    /// Waits, on a task of its own, for the container's end, then records it with its reason
    /// and applies the definition's `on_poweroff`, `on_reboot` or `on_crash`.
    func watch(_ name: String, _ watched: Watched) {
        let xid: UInt32
        switch watched {
        case .started(let running): xid = running.context.xid
        case .adopted(let context): xid = context.xid
        }
        let task = Task { [self] in
            let exit: ContextExit?
            switch watched {
            case .started(let running): exit = try? await running.wait()
            case .adopted(let context): exit = try? await context.wait()
            }
            containerEnded(name, xid: xid, exit: exit ?? ContextExit())
        }
        watchers.withLock { $0[xid] = task }
    }

    /// Records the end of the container `name` ran as `xid`: destroyed (if destroy asked),
    /// crashed (a signal or the OOM killer ended its init), or shut down; then restarts it,
    /// with its persistent definition, if its definition says so. A restart that fails
    /// leaves it shut off (a transient one gone), its stop reported.
    func containerEnded(_ name: String, xid: UInt32, exit: ContextExit) {
        watchers.withLock { _ = $0.removeValue(forKey: xid) }
        mutate { (domains, events) in
            guard let domain = domains[name], domain.xid == xid else { return }
            let (detail, reason, action) = Self.outcome(of: domain, exit: exit)
            events.append(DomainEvent(domain: domain.identity, type: .stopped, detail: detail))
            guard var stopped = markStopped(name, in: &domains, reason: reason), action == .restart else { return }
            do {
                try start(&stopped, events: &events)
                domains[name] = stopped
            } catch {
                // It stays as markStopped left it; the stop is reported all the same.
            }
        }
    }

    /// How a container's end is reported, and what its definition says to do next.
    static func outcome(of domain: LXCDomain, exit: ContextExit) -> (DomainEventDetail, DomainStateReason, LifecycleAction) {
        let crashed = exit.signal != nil || exit.oomKills > 0
        if domain.destroying { return (.stoppedDestroyed, .shutoffDestroyed, .destroy) }
        if domain.rebooting { return (.stoppedShutdown, .shutoffShutdown, domain.definition.onReboot) }
        if crashed { return (.stoppedCrashed, .shutoffCrashed, domain.definition.onCrash) }
        let action = exit.reboot == .restart ? domain.definition.onReboot : domain.definition.onPoweroff
        return (.stoppedShutdown, .shutoffShutdown, action)
    }
}
