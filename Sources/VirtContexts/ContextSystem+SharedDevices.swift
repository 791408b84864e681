import VirtError
import VirtSystem

#if canImport(Glibc)
import Glibc
#endif

extension ContextSystem {
    /// The devices cgroup of every context whose device rules are the default ones (see
    /// ``hasDefaultDeviceRules(_:allowed:)``), `swiftvirt/default-devices`. Sharing it spares
    /// each such context a mkdir, five rule writes and an rmdir; a context whose rules change
    /// gets one of its own then.
    static let sharedDevicesName = "default-devices"

    /// The shared devices cgroup, made on first use; nil where the host has no devices
    /// controller (cgroup v2 has none). It is made under a name of its own (random, so that
    /// concurrent first uses never share it) and renamed into place once its rules are
    /// written, so that no process can join it before they are.
    func sharedDevicesCgroup() throws(VirError) -> Cgroup? {
        guard cgroups.layout.placements[.devices] != nil else { return nil }
        let shared = try cgroups.cgroup(at: try CgroupPath("swiftvirt/\(Self.sharedDevicesName)"), controllers: [.devices])
        if access(shared.directories[0], F_OK) == 0 { return shared }
        let staging = try cgroups.create(try CgroupPath("swiftvirt/\(Self.sharedDevicesName)-\(UInt64.random(in: 0...UInt64.max))"), controllers: [.devices])
        do {
            try Self.applyDeviceRules([], allowed: nil, to: staging)
            _ = try staging.rename(to: Self.sharedDevicesName)
        } catch {
            try? staging.remove()
            guard error.int1 == EEXIST else { throw error }  // another process put it in place first
        }
        return shared
    }
}
