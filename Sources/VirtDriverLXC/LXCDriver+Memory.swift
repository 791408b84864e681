import VirtContexts
import VirtCore
import VirtError
import VirtXML

extension LXCDriver {
    /// Corresponds to `virDomainSetMemoryFlags`. The live change moves the memory cgroup's
    /// limit at once; the config change is stored durably. `VIR_DOMAIN_MEM_MAXIMUM` changes
    /// `<memory>` in the config only, as libvirt's LXC driver does.
    public func setMemory(_ identity: DomainIdentity, kib: UInt64, flags: MemoryFlags) async throws {
        try flags.check(supported: [.live, .config, .maximum], function: "lxcDomainSetMemoryFlags", domain: .lxc)
        try mutate { (domains, _) throws(VirError) in
            var domain = try domains.find(identity)
            let targets = try targets(of: domain, live: flags.contains(.live), config: flags.contains(.config))
            let (live, config) = (targets.live, targets.config)
            guard kib > 0 else { throw VirError.invalidArg("memory must be positive", domain: .lxc) }
            if flags.contains(.maximum) {
                guard !live else { throw VirError(.operationInvalid, "cannot resize the maximum memory on an active domain", domain: .lxc) }
                var persistent = domain.persistentDefinition
                persistent.setMaximumMemory(kib)
                try commit(persistent, to: &domain)
            } else {
                if live {
                    guard kib <= domain.definition.memory else {
                        throw VirError.invalidArg("cannot set memory higher than max memory", domain: .lxc)
                    }
                    guard let xid = domain.xid, let context = try? contexts.context(xid) else {
                        throw VirError(.operationInvalid, "domain is not running", domain: .lxc)
                    }
                    try context.setMemoryLimit(Int64(kib) * 1024)
                    domain.definition.currentMemory = kib
                    try store.saveRun(domain.definition, LXCRunStatus(xid: xid))
                }
                if config {
                    var persistent = domain.persistentDefinition
                    try persistent.setCurrentMemory(kib, errorDomain: .lxc)
                    try commit(persistent, to: &domain)
                }
            }
            domains[identity.name] = domain
        }
    }

    /// Corresponds to `virDomainSetMaxMemory`: `<memory>` of the config, for a domain that
    /// does not run.
    public func setMaxMemory(_ identity: DomainIdentity, kib: UInt64) async throws {
        try await setMemory(identity, kib: kib, flags: .maximum)
    }

    /// Stores `persistent` as the domain's persistent definition: its definition while it is
    /// shut off, the one it takes when it stops otherwise.
    func commit(_ persistent: DomainDefinition, to domain: inout LXCDomain) throws(VirError) {
        try store.saveConfig(persistent)
        if domain.xid == nil { domain.definition = persistent } else { domain.pendingDefinition = persistent }
    }
}
