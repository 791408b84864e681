#if canImport(Glibc)
import Glibc
#endif
import VirtError

extension Cgroup {
    /// Renames the cgroup to `name` under the same parent, in every hierarchy, and returns it
    /// at its new path; tasks, limits and rules stay. A cgroup of that name must not exist
    /// (`EEXIST`), so a rename can put a fully set-up cgroup in place atomically. cgroup v1
    /// only: v2 has no rename (`.operationUnsupported`). If a later hierarchy fails, those
    /// already renamed are renamed back before the error is thrown.
    public func rename(to name: String) throws(VirError) -> Cgroup {
        guard !path.components.isEmpty else {
            throw VirError(.invalidArg, "the root cgroup cannot be renamed", domain: .cgroup)
        }
        let newPath = try CgroupPath((path.components.dropLast() + [name]).joined(separator: "/"))
        guard newPath.components.count == path.components.count else {
            throw VirError(.invalidArg, "invalid cgroup name '\(name)'", domain: .cgroup)
        }
        if let v2 = members.first(where: { $0.backend.hierarchy.version == .v2 }) {
            throw VirError(.operationUnsupported, "cannot rename cgroup '\(v2.directory)': cgroup v2 has no rename", domain: .cgroup)
        }
        var renamed: [Member] = []
        for member in members {
            let target = member.backend.hierarchy.directory(of: newPath)
            guard Glibc.rename(member.directory, target) == 0 else {
                let error = CgroupFile.failure("cannot rename cgroup '\(member.directory)' to '\(name)'")
                for done in renamed { _ = Glibc.rename(done.directory, done.backend.hierarchy.directory(of: path)) }
                throw error
            }
            renamed.append(Member(backend: member.backend, directory: target, controllers: member.controllers))
        }
        return Cgroup(path: newPath, members: renamed)
    }
}
