import VirtError
import VirtSystem
import VirtXML

#if canImport(Glibc)
import Glibc
#endif

/// The user and group a container's init runs as: `<inituser>` and `<initgroup>`, as
/// numbers or as names of the container's own /etc/passwd and /etc/group (the host's when it
/// shares the host's root), since libvirt resolves them inside the container. Unset ones are
/// root's.
enum LXCInitIdentity {
    /// The ids, or nil when the definition names neither (the init runs as root).
    /// - Throws: `VIR_ERR_INVALID_ARG` for a name the container's databases lack.
    static func resolve(_ definition: DomainDefinition) throws(VirError) -> (uid: uid_t, gid: gid_t)? {
        let os = definition.os
        guard os.initUser != nil || os.initGroup != nil else { return nil }
        let root = LXCFilesystems.rootfs(of: definition.devices.filesystems) ?? ""
        let uid = try os.initUser.map { (user) throws(VirError) in try id(user, kind: "user", database: root + "/etc/passwd") } ?? 0
        let gid = try os.initGroup.map { (group) throws(VirError) in try id(group, kind: "group", database: root + "/etc/group") } ?? 0
        return (uid, gid)
    }

    /// A number, or the third field of the line of `database` that names `name`.
    private static func id(_ name: String, kind: String, database: String) throws(VirError) -> UInt32 {
        if let number = UInt32(name), number != UInt32.max { return number }
        let lines = ((try? SystemFile.read(database)) ?? "").split(separator: "\n")
        for line in lines {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            if fields.count > 2, fields[0] == name, let number = UInt32(fields[2]) { return number }
        }
        throw VirError.invalidArg("Failed to parse \(kind) '\(name)': not in the container's \(database)", domain: .lxc)
    }
}
