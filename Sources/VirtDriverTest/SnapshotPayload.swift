import VirtCore
import VirtXML

/// What the test driver stores per snapshot: the complete definition, with name, state,
/// creation time and embedded domain filled in.
typealias SnapshotPayload = DomainSnapshotDefinition

extension DomainSnapshotDefinition {
    /// Online snapshots captured a running or paused guest (libvirt's `virDomainSnapshotIsOnline`).
    var isOnline: Bool { state == .running || state == .paused || state == .blocked || state == .pmSuspended }

    /// External if the memory or any disk went to a separate file (`virDomainSnapshotIsExternal`).
    var isExternal: Bool { memory == .external || disks.contains { $0.snapshot == .external } }

    /// Whether it passes the filter groups of `virDomainListAllSnapshots`; `hasChildren`
    /// decides the leaves group. A group with none or all of its bits set does not filter.
    func matches(_ flags: SnapshotListFlags, hasChildren: Bool) -> Bool {
        func group(_ members: [(SnapshotListFlags, Bool)]) -> Bool {
            let chosen = members.filter { flags.contains($0.0) }
            guard !chosen.isEmpty, chosen.count < members.count else { return true }
            return chosen.contains { $0.1 }
        }
        if flags.contains(.noMetadata) && !flags.contains(.metadata) { return false }
        return group([(.leaves, !hasChildren), (.noLeaves, hasChildren)])
            && group([(.inactive, state == .shutoff), (.diskOnly, state == .diskSnapshot),
                      (.active, state != .shutoff && state != .diskSnapshot)])
            && group([(.internal, !isExternal), (.external, isExternal)])
    }
}
