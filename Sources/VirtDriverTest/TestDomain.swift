import VirtCore
import VirtError
import VirtXML

/// One domain of the test driver: its definitions, runtime state and snapshots.
/// Mirrors libvirt's `virDomainObj`: `definition` is the live definition while running
/// and the persistent one otherwise; `pendingDefinition` is a persistent definition
/// defined while running, which takes over when the domain stops (`newDef`).
struct TestDomain: Sendable {
    var definition: DomainDefinition
    var pendingDefinition: DomainDefinition?
    var isPersistent: Bool
    var state: DomainState = .shutoff
    var reason: DomainStateReason = .unknown
    var id: Int32 = -1
    var autostart = false
    var hasManagedSave = false
    var snapshots = SnapshotTree()

    var isActive: Bool { id != -1 }
    var identity: DomainIdentity { DomainIdentity(name: definition.name, uuid: definition.uuid, id: id) }

    /// The persistent definition: the pending one if any, else the current one.
    var persistentDefinition: DomainDefinition {
        get { pendingDefinition ?? definition }
        set {
            if pendingDefinition != nil { pendingDefinition = newValue } else { definition = newValue }
        }
    }

    /// Which definitions a change applies to, by libvirt's `virDomainObjUpdateModificationImpact`
    /// rules: neither flag means the live one if active, else the persistent one.
    func impact(live: Bool, config: Bool) throws(VirError) -> (live: Bool, config: Bool) {
        var live = live
        var config = config
        if !live && !config {
            if isActive { live = true } else { config = true }
        }
        if live && !isActive {
            throw VirError(.operationInvalid, "domain is not running", domain: .domain)
        }
        if config && !isPersistent {
            throw VirError(.operationInvalid, "cannot change persistent config of a transient domain", domain: .domain)
        }
        return (live, config)
    }
}
