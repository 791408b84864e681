import FoundationEssentials
import VirtError
import VirtSystem
import VirtXML

#if canImport(Glibc)
import Glibc
#endif

/// Snapshot metadata as libvirt keeps it: `ROOT/snapshot/DOMAIN/NAME.xml`, one file per
/// snapshot in libvirt's internal format (the full definition with its parent, and
/// `<active>1</active>` on the current one), each replaced atomically and fsynced.
extension DomainStore {
    /// `ROOT/snapshot/DOMAIN`.
    public func snapshotDirectory(of domain: String) -> String { root + "/snapshot/\(domain)" }

    /// Writes the metadata of `names` (each a snapshot of `tree`, as it is now), durably.
    public func saveSnapshots(_ names: [String], of tree: SnapshotTree, domain: String) throws(VirError) {
        let directory = snapshotDirectory(of: domain)
        for path in [root + "/snapshot", directory] where mkdir(path, 0o700) != 0 && errno != EEXIST {
            throw VirError(.operationFailed, "cannot create \(path): \(String(cString: strerror(errno)))", domain: errorDomain)
        }
        for name in names {
            guard let node = tree.node(name) else { continue }
            var snapshot = node.payload
            snapshot.parent = node.parent
            let xml = snapshot.format(SnapshotFormatOptions(secure: true, active: tree.current == name))
            try AtomicFile.replace(directory + "/\(name).xml", with: Array(xml.utf8), durable: true, domain: errorDomain)
        }
    }

    /// Removes the metadata of `names`.
    public func removeSnapshots(_ names: [String], domain: String) {
        for name in names { unlink(snapshotDirectory(of: domain) + "/\(name).xml") }
    }

    /// Removes every snapshot's metadata of `domain`, and its directory.
    public func removeAllSnapshots(domain: String) {
        let directory = snapshotDirectory(of: domain)
        for file in (try? SystemFile.entries(of: directory, domain: errorDomain)) ?? [] { unlink(directory + "/" + file) }
        rmdir(directory)
    }

    /// The snapshots of `domain`, rebuilt from their files: parents linked before their
    /// children, siblings newest first. A file that no longer parses is an error, as a
    /// definition's is: silently losing a snapshot would lose the way back to it.
    public func loadSnapshots(domain: String) throws(VirError) -> SnapshotTree {
        let directory = snapshotDirectory(of: domain)
        var pending: [(DomainSnapshotDefinition, Bool)] = []
        for file in (try? SystemFile.entries(of: directory, domain: errorDomain)) ?? [] where file.hasSuffix(".xml") && !file.hasPrefix(".") {
            guard let data = FileManager.default.contents(atPath: directory + "/" + file) else {
                throw VirError(.operationFailed, "cannot read \(directory)/\(file)", domain: errorDomain)
            }
            pending.append(try DomainSnapshotDefinition.parseMetadata(String(decoding: data, as: UTF8.self)))
        }
        pending.sort { ($0.0.creationTime ?? 0, $0.0.name ?? "") < ($1.0.creationTime ?? 0, $1.0.name ?? "") }
        var tree = SnapshotTree()
        while !pending.isEmpty {
            let ready = pending.indices.filter { index in pending[index].0.parent.map { tree.node($0) != nil } ?? true }
            // A parent that is missing (its file removed by hand) makes its children roots.
            let linked = ready.isEmpty ? [pending.startIndex] : ready
            for index in linked {
                let (snapshot, isCurrent) = pending[index]
                let name = snapshot.name ?? ""
                let parent = snapshot.parent.flatMap { tree.node($0) != nil ? $0 : nil }
                tree.insert(name, parent: parent, payload: snapshot)
                if isCurrent { tree.current = name }
            }
            pending = pending.indices.filter { !linked.contains($0) }.map { pending[$0] }
        }
        return tree
    }
}
