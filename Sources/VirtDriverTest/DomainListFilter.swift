import VirtCore

/// libvirt's `virConnectListAllDomains` filter groups: within a group the bits are
/// alternatives, and a group with no bit set does not filter (`virDomainObjListFilter`).
enum DomainListFilter {
    static func matches(_ domain: DomainSummary, _ flags: ListDomainsFlags) -> Bool {
        func group(_ a: ListDomainsFlags, _ aHolds: Bool, _ b: ListDomainsFlags, _ bHolds: Bool) -> Bool {
            guard flags.contains(a) || flags.contains(b) else { return true }
            return (flags.contains(a) && aHolds) || (flags.contains(b) && bHolds)
        }
        let state = domain.state
        let stateGroup: ListDomainsFlags = [.running, .paused, .shutoff, .other]
        if !flags.isDisjoint(with: stateGroup) {
            let isOther = state != .running && state != .paused && state != .shutoff
            let ok = (flags.contains(.running) && state == .running)
                || (flags.contains(.paused) && state == .paused)
                || (flags.contains(.shutoff) && state == .shutoff)
                || (flags.contains(.other) && isOther)
            if !ok { return false }
        }
        return group(.active, domain.isActive, .inactive, !domain.isActive)
            && group(.persistent, domain.isPersistent, .transient, !domain.isPersistent)
            && group(.managedsave, domain.hasManagedSave, .noManagedsave, !domain.hasManagedSave)
            && group(.autostart, domain.autostart, .noAutostart, !domain.autostart)
            && group(.hasSnapshot, domain.hasSnapshots, .noSnapshot, !domain.hasSnapshots)
            && group(.hasCheckpoint, false, .noCheckpoint, true)
    }
}
