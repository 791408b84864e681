import VirtError
import VirtSystem

#if canImport(Glibc)
import Glibc
#endif

/// A context's cgroups: those of ``ContextSystem/controllers`` (and the extra ones it was
/// created with), which its record lists; a pids and a devices cgroup of its own when it has
/// a process limit or device rules of its own (given at creation or added since); else the
/// shared devices cgroup.
extension Context {
    /// The cgroups its record lists.
    func cgroup() throws(VirError) -> Cgroup {
        try system.cgroups.cgroup(at: try ContextSystem.cgroupPath(xid), controllers: record.controllerSet)
    }

    /// Its own cgroup of `controller`, if it has one (nil too where the host lacks the
    /// controller). With `addingIfMissing`, one is made, set up by `prepare`, and every process
    /// of the context moved into it, frozen meanwhile so that no fork escapes; a host without
    /// the controller is then `.operationUnsupported`.
    func ownCgroup(_ controller: CgroupController, addingIfMissing: Bool = false,
                   prepare: (Cgroup) throws(VirError) -> Void = { _ in }) throws(VirError) -> Cgroup? {
        guard system.cgroups.layout.placements[controller] != nil else {
            guard !addingIfMissing else {
                throw VirError(.operationUnsupported, "this host has no \(controller.rawValue) cgroup controller", domain: .none)
            }
            return nil
        }
        let path = try ContextSystem.cgroupPath(xid)
        let own = try system.cgroups.cgroup(at: path, controllers: [controller])
        if record.controllerSet.contains(controller) || access(own.directories[0], F_OK) == 0 { return own }
        guard addingIfMissing else { return nil }
        let added = try system.cgroups.create(path, controllers: [controller])
        do {
            try prepare(added)
            try moveProcesses(into: added)
        } catch {
            try? added.remove()
            throw error
        }
        return added
    }

    /// The cgroup.procs files a process writes itself into to join the context.
    func procsFiles() throws(VirError) -> [String] {
        var files = try cgroup().procsFiles
        for controller in [CgroupController.pids, .devices] where !record.controllerSet.contains(controller) {
            if let own = try ownCgroup(controller) {
                files += own.procsFiles
            } else if controller == .devices, let shared = try system.sharedDevicesCgroup() {
                files += shared.procsFiles
            }
        }
        return files
    }

    private func moveProcesses(into target: Cgroup) throws(VirError) {
        let group = try cgroup()
        let wasFrozen = (try? group.freezerState()) == .frozen
        if !wasFrozen { try group.freeze() }
        defer { if !wasFrozen { try? group.thaw() } }
        for pid in try group.processes() {
            do { try target.attach(pid: pid) } catch where error.int1 == ESRCH { continue }
        }
    }
}
