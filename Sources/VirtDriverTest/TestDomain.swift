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

    /// Which definitions a change applies to (``ModificationTargets``).
    func impact(live: Bool, config: Bool) throws(VirError) -> ModificationTargets {
        try ModificationTargets(live: live, config: config, isActive: isActive, isPersistent: isPersistent)
    }
}
