import VirtError
import VirtSystem
import VirtXML

/// `<features><capabilities policy='default|allow|deny'>` with per-capability toggles such
/// as `<sys_admin state='off'/>`: the container's capability bounding set, as libvirt's
/// `lxcContainerDropCapabilities` decides it.
///
/// - `default`: every capability but ``LXCContainer/droppedCapabilities``; a toggle turns
///   one on or off.
/// - `allow`: every capability but those toggled off.
/// - `deny`: only those toggled on.
enum LXCCapabilityPolicy {
    /// The `<capabilities>` feature, if any.
    private static func element(of definition: DomainDefinition) -> XMLElement? {
        definition.features.first { $0.name == "capabilities" }
    }

    /// The capability a toggle names: libvirt's names are the kernel's without `CAP_`, in
    /// lower case (`sys_admin`).
    private static func capability(named name: String) -> Capability? {
        guard name == name.lowercased() else { return nil }
        return Capability.allNamed.first { $0.description == "CAP_" + name.uppercased() }
    }

    /// Checks the policy, the capability names and the states.
    static func validate(_ definition: DomainDefinition) throws(VirError) {
        guard let element = element(of: definition) else { return }
        let policy = element.attribute("policy") ?? "default"
        guard ["default", "allow", "deny"].contains(policy) else {
            throw VirError.xml("Unexpected policy value '\(policy)' in <capabilities>: expected default, allow or deny")
        }
        for toggle in element.elements {
            guard capability(named: toggle.name) != nil else {
                throw VirError.xml("unknown capability '\(toggle.name)' in <features><capabilities>")
            }
            guard let state = toggle.attribute("state"), state == "on" || state == "off" else {
                throw VirError.xml("Invalid value for attribute 'state' in element '\(toggle.name)': '\(toggle.attribute("state") ?? "")'; expected on or off")
            }
        }
    }

    /// The bounding set: what `caller` (this process's own set) keeps under the policy.
    static func boundingSet(for definition: DomainDefinition, caller: CapabilitySet) -> CapabilitySet {
        let element = element(of: definition)
        var states: [Capability: Bool] = [:]
        for toggle in element?.elements ?? [] {
            if let capability = capability(named: toggle.name) { states[capability] = toggle.attribute("state") == "on" }
        }
        var set = caller
        for capability in caller.capabilities {
            let keep: Bool
            switch element?.attribute("policy") ?? "default" {
            case "deny": keep = states[capability] == true
            case "allow": keep = states[capability] != false
            default: keep = states[capability] ?? !LXCContainer.droppedCapabilities.contains(capability)
            }
            if !keep { set.remove(capability) }
        }
        return set
    }
}
