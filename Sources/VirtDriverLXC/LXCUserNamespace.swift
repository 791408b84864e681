import VirtError
import VirtSystem
import VirtXML

#if canImport(Glibc)
import Glibc
#endif

/// `<idmap>`: a container's user namespace. Its uid and gid maps are written for the init
/// before its first step, and the init becomes root inside, which is the host's
/// `<uid start='0' target=…>` outside.
enum LXCUserNamespace {
    /// How many ranges a map may have (Linux 4.15 on).
    static let maximumRanges = 340

    /// Checks what the kernel would refuse only when the maps are written, and what libvirt
    /// lets through to that point: empty ranges, ranges past the last valid id (4294967294),
    /// overlapping ranges inside or outside, and too many ranges.
    static func validate(_ idmap: IDMap?) throws(VirError) {
        guard let idmap else { return }
        for (kind, entries) in [("uid", idmap.uids), ("gid", idmap.gids)] {
            guard entries.count <= maximumRanges else {
                throw VirError(.configUnsupported, "Too many id mappings defined: \(entries.count) <\(kind)> ranges, at most \(maximumRanges)", domain: .lxc)
            }
            for entry in entries {
                guard entry.count > 0 else {
                    throw VirError(.configUnsupported, "the <\(kind)> range starting at \(entry.start) maps no ids (count 0)", domain: .lxc)
                }
                let lastValid = UInt64(UInt32.max) - 1
                if UInt64(entry.start) + UInt64(entry.count) - 1 > lastValid || UInt64(entry.target) + UInt64(entry.count) - 1 > lastValid {
                    throw VirError(.configUnsupported, "the <\(kind)> range start=\(entry.start) target=\(entry.target) count=\(entry.count) exceeds the largest valid id, \(lastValid)", domain: .lxc)
                }
            }
            for (side, key) in [("inside the container", \IDMap.Entry.start), ("on the host", \IDMap.Entry.target)] {
                let ranges = entries.sorted { $0[keyPath: key] < $1[keyPath: key] }
                for (earlier, later) in zip(ranges, ranges.dropFirst())
                where UInt64(earlier[keyPath: key]) + UInt64(earlier.count) > UInt64(later[keyPath: key]) {
                    throw VirError(.configUnsupported, "<\(kind)> ranges overlap \(side): \(earlier[keyPath: key]) (count \(earlier.count)) and \(later[keyPath: key])", domain: .lxc)
                }
            }
        }
    }

    /// The `uid_map` and `gid_map` texts.
    static func maps(_ idmap: IDMap) -> (uidMap: String, gidMap: String) {
        func text(_ entries: [IDMap.Entry]) -> String { entries.map { "\($0.start) \($0.target) \($0.count)\n" }.joined() }
        return (text(idmap.uids), text(idmap.gids))
    }

    /// The host id `id` inside maps to, if it is mapped.
    static func hostID(of id: UInt32, in entries: [IDMap.Entry]) -> UInt32? {
        entries.first { id >= $0.start && UInt64(id) < UInt64($0.start) + UInt64($0.count) }.map { $0.target + (id - $0.start) }
    }

    /// Gives the console `terminal` to the container's root (the host ids its root maps
    /// to), as libvirt does, so that /dev/console is its own.
    static func giveToRoot(_ terminal: PseudoTerminal, of idmap: IDMap) throws(VirError) {
        let uid = hostID(of: 0, in: idmap.uids) ?? 0, gid = hostID(of: 0, in: idmap.gids) ?? 0
        try Syscall.call("give the console \(terminal.slavePath) to the container's root", domain: .lxc) { fchown(terminal.slave, uid, gid) }
    }
}
