extension ListDomainsFlags {
    /// What `virConnectListAllDomains` filters on, for one domain.
    public struct Candidate: Sendable {
        /// Its state.
        public var state: DomainState
        /// Whether it runs (or is paused).
        public var isActive: Bool
        /// Whether it has a persistent definition.
        public var isPersistent: Bool
        /// Whether it has a managed save image.
        public var hasManagedSave = false
        /// Whether it starts with the driver.
        public var autostart = false
        /// Whether it has snapshots.
        public var hasSnapshots = false

        /// A domain to filter.
        public init(state: DomainState, isActive: Bool, isPersistent: Bool, hasManagedSave: Bool = false,
                    autostart: Bool = false, hasSnapshots: Bool = false) {
            self.state = state
            self.isActive = isActive
            self.isPersistent = isPersistent
            self.hasManagedSave = hasManagedSave
            self.autostart = autostart
            self.hasSnapshots = hasSnapshots
        }
    }

    /// libvirt's `virConnectListAllDomains` filter groups (`virDomainObjListFilter`): within a
    /// group the bits are alternatives, and a group with no bit set does not filter.
    public func matches(_ domain: Candidate) -> Bool {
        func group(_ a: ListDomainsFlags, _ aHolds: Bool, _ b: ListDomainsFlags, _ bHolds: Bool) -> Bool {
            guard contains(a) || contains(b) else { return true }
            return (contains(a) && aHolds) || (contains(b) && bHolds)
        }
        let state = domain.state
        let stateGroup: ListDomainsFlags = [.running, .paused, .shutoff, .other]
        if !isDisjoint(with: stateGroup) {
            let isOther = state != .running && state != .paused && state != .shutoff
            let ok = (contains(.running) && state == .running)
                || (contains(.paused) && state == .paused)
                || (contains(.shutoff) && state == .shutoff)
                || (contains(.other) && isOther)
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
