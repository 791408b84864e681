import VirtCore
import VirtError

extension LXCDriver {
    /// Corresponds to `virDomainGetAutostart`.
    public func autostart(_ identity: DomainIdentity) async throws -> Bool {
        try mutate { (domains, _) throws(VirError) -> Bool in
            _ = try Self.find(identity, in: domains)
            return store.autostart(identity.name)
        }
    }

    /// Corresponds to `virDomainSetAutostart`: the domain starts when the driver first opens
    /// its root after the host boots. Only persistent domains can.
    public func setAutostart(_ identity: DomainIdentity, _ enabled: Bool) async throws {
        try mutate { (domains, _) throws(VirError) in
            let domain = try Self.find(identity, in: domains)
            guard domain.isPersistent else {
                throw VirError(.operationInvalid, "cannot set autostart for transient domain", domain: .lxc)
            }
            try store.setAutostart(identity.name, enabled)
        }
    }

    /// Starts every autostart domain that is not running, on the first open of the root
    /// since the host booted (libvirt's `virLXCProcessAutostartAll`). A domain that fails to
    /// start stays shut off; the others start.
    func autostartDomains() {
        guard store.firstOpenThisBoot() else { return }
        mutate { (domains, events) in
            for name in domains.keys.sorted() where store.autostart(name) {
                guard var domain = domains[name], domain.isPersistent, domain.xid == nil else { continue }
                guard (try? start(&domain, events: &events)) != nil else { continue }
                domains[name] = domain
            }
        }
    }
}
