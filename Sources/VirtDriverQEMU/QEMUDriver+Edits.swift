import VirtCore
import VirtError
import VirtXML

/// Changes to a domain's definitions that the calls make: the running one (and its run
/// file) and the persistent one (durably).
extension QEMUDriver {
    /// The domain behind `identity`, as it is now.
    func find(_ identity: DomainIdentity) throws(VirError) -> QEMUDomain {
        try domains.withLock { (domains) throws(VirError) in try domains.find(identity) }
    }

    /// Changes the live definition of `vm`'s domain with `change`, and its run file.
    func editLive(_ identity: DomainIdentity, _ vm: QEMURunningDomain, _ change: (inout DomainDefinition) -> Void) throws(VirError) {
        try domains.withLock { (domains) throws(VirError) in
            guard var domain = domains[identity.name], domain.running === vm else { return }
            change(&domain.definition)
            try store.saveRun(domain.definition, id: vm.id, qemu: vm.qemu)
            domains[identity.name] = domain
        }
    }

    /// Changes the persistent definition with `change`, durably.
    func editPersistent(_ identity: DomainIdentity, _ change: (inout DomainDefinition) throws(VirError) -> Void) throws(VirError) {
        try domains.withLock { (domains) throws(VirError) in
            var domain = try domains.find(identity)
            var persistent = domain.persistentDefinition
            try change(&persistent)
            try store.saveConfig(persistent)
            if domain.isActive { domain.pendingDefinition = persistent } else { domain.definition = persistent }
            domains[identity.name] = domain
        }
    }
}
