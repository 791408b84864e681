import VirtCore
import VirtError
import VirtSystem

extension LXCDriver {
    /// Corresponds to `virNodeGetSecurityModel`: DAC, the model whose labels are the user and
    /// group a container's processes run as.
    public func securityModel() async throws -> SecurityModel {
        SecurityModel(model: "dac", doi: "0")
    }

    /// Corresponds to `virDomainGetSecurityLabel`: while the container runs, the user and group
    /// of its init as a DAC label (`+0:+0` unless `<inituser>`/`<initgroup>` say otherwise);
    /// empty while it is shut off.
    public func securityLabel(_ identity: DomainIdentity) async throws -> DomainSecurityLabel {
        try mutate { (domains, _) throws(VirError) -> DomainSecurityLabel in
            let domain = try domains.find(identity)
            guard domain.xid != nil else { return DomainSecurityLabel(label: "", enforcing: false) }
            let ids = (try? LXCInitIdentity.resolve(domain.definition)) ?? nil
            return DomainSecurityLabel(label: DACLabel(uid: ids?.uid ?? 0, gid: ids?.gid ?? 0).description, enforcing: true)
        }
    }

    /// Corresponds to `virDomainLxcOpenNamespace` (libvirt's `lxcDomainLxcOpenNamespace`):
    /// the running container's user, ipc, uts, net, pid and mnt namespaces.
    public func lxcOpenNamespace(_ identity: DomainIdentity, flags: LxcFlags) async throws -> [Int32] {
        try flags.check(supported: [], function: "lxcDomainLxcOpenNamespace", domain: .lxc)
        let (context, _) = try runningContext(identity)
        do {
            return try context.openNamespaces(NamespaceSet.libvirtOrder)
        } catch {
            if error.code == .noDomain { throw VirError(.operationInvalid, "domain is not running", domain: .lxc) }  // it ended meanwhile
            throw error.from(.lxc)
        }
    }
}
