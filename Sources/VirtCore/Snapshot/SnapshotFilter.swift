import VirtXML

extension DomainSnapshotDefinition {
    /// Online snapshots captured a running or paused guest (libvirt's `virDomainSnapshotIsOnline`).
    public var isOnline: Bool { state == .running || state == .paused || state == .blocked || state == .pmSuspended }

    /// External if the memory or any disk went to a separate file (`virDomainSnapshotIsExternal`).
    public var isExternal: Bool { memory == .external || disks.contains { $0.snapshot == .external } }

    /// Whether it passes the filter groups of `virDomainListAllSnapshots`; `hasChildren`
    /// decides the leaves group. In the state and location groups the set bits are
    /// alternatives and a group with none or all of them set does not filter; `LEAVES` and
    /// `NO_LEAVES` are each a condition, so both together match nothing, as in libvirt.
    public func matches(_ flags: SnapshotListFlags, hasChildren: Bool) -> Bool {
        func group(_ members: [(SnapshotListFlags, Bool)]) -> Bool {
            let chosen = members.filter { flags.contains($0.0) }
            guard !chosen.isEmpty, chosen.count < members.count else { return true }
            return chosen.contains { $0.1 }
        }
        if flags.contains(.noMetadata) && !flags.contains(.metadata) { return false }
        if flags.contains(.leaves) && hasChildren { return false }
        if flags.contains(.noLeaves) && !hasChildren { return false }
        return group([(.inactive, state == .shutoff), (.diskOnly, state == .diskSnapshot),
                      (.active, state != .shutoff && state != .diskSnapshot)])
            && group([(.internal, !isExternal), (.external, isExternal)])
    }
}
