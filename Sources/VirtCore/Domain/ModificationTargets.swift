import VirtError

/// Which of a domain's definitions a change applies to: the live one, the persistent one or
/// both, resolved from `VIR_DOMAIN_AFFECT_LIVE` / `_CONFIG` by libvirt's
/// `virDomainObjUpdateModificationImpact` rules.
public struct ModificationTargets: Sendable, Equatable {
    /// Whether the running domain changes.
    public let live: Bool
    /// Whether the persistent definition changes.
    public let config: Bool

    /// Resolves the flags: neither means the live definition if the domain runs, else the
    /// persistent one. Live on a domain that does not run, and config on a transient domain,
    /// fail with `VIR_ERR_OPERATION_INVALID` as libvirt's do.
    public init(live: Bool, config: Bool, isActive: Bool, isPersistent: Bool) throws(VirError) {
        let neither = !live && !config
        self.live = live || (neither && isActive)
        self.config = config || (neither && !isActive)
        if self.live && !isActive {
            throw VirError(.operationInvalid, "domain is not running", domain: .domain)
        }
        if self.config && !isPersistent {
            throw VirError(.operationInvalid, "cannot change persistent config of a transient domain", domain: .domain)
        }
    }
}
