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
    /// crashed (a signal or the OOM killer ended its init), or shut down; then restarts it
    /// if its definition says so.
    func containerEnded(_ name: String, xid: UInt32, exit: ContextExit) {
        watchers.withLock { _ = $0.removeValue(forKey: xid) }
        try? mutate { (domains, events) throws(VirError) in
            guard var domain = domains[name], domain.xid == xid else { return }
            let crashed = exit.signal != nil || exit.oomKills > 0
            let action: LifecycleAction
            if domain.destroying {
                events.append(DomainEvent(domain: domain.identity, type: .stopped, detail: .stoppedDestroyed))
                markStopped(name, in: &domains, reason: .shutoffDestroyed)
                action = .destroy
            } else if domain.rebooting {
                events.append(DomainEvent(domain: domain.identity, type: .stopped, detail: .stoppedShutdown))
                markStopped(name, in: &domains, reason: .shutoffShutdown)
                action = domain.definition.onReboot
            } else if crashed {
                events.append(DomainEvent(domain: domain.identity, type: .stopped, detail: .stoppedCrashed))
                markStopped(name, in: &domains, reason: .shutoffCrashed)
                action = domain.definition.onCrash
            } else {
                events.append(DomainEvent(domain: domain.identity, type: .stopped, detail: .stoppedShutdown))
                markStopped(name, in: &domains, reason: .shutoffShutdown)
                action = exit.reboot == .restart ? domain.definition.onReboot : domain.definition.onPoweroff
            }
            guard action == .restart else { return }
            domain.xid = nil
            domain.destroying = false
            domain.rebooting = false
            try start(&domain, events: &events)
            domains[name] = domain
        }
    }
}
