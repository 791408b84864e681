import VirtCore
import VirtError

extension LXCDriver {
    /// Corresponds to `virDomainGetAutostart`.
    public func autostart(_ identity: DomainIdentity) async throws -> Bool {
        try mutate { (domains, _) throws(VirError) in try domains.autostart(identity, in: store) }
    }

    /// Corresponds to `virDomainSetAutostart`: the domain starts when the driver first opens
    /// its root after the host boots. Only persistent domains can.
    public func setAutostart(_ identity: DomainIdentity, _ enabled: Bool) async throws {
        try mutate { (domains, _) throws(VirError) in try domains.setAutostart(identity, enabled, in: store) }
    }

    /// Starts every autostart domain that is not running, on the first open of the root
    /// since the host booted (libvirt's `virLXCProcessAutostartAll`). A domain that fails to
    /// start stays shut off; the others start.
    func autostartDomains() {
        mutate { (domains, events) in
            for name in domains.namesToAutostart(in: store) {
                guard var domain = domains[name] else { continue }
                guard (try? start(&domain, events: &events)) != nil else { continue }
                domains[name] = domain
            }
        }
    }
}
