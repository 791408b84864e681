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

    /// Its own cgroup of `controller`, if it has one (none where the host lacks the controller).
    private func ownCgroup(_ controller: CgroupController) throws(VirError) -> Cgroup? {
        guard system.cgroups.layout.placements[controller] != nil else { return nil }
        let own = try system.cgroups.cgroup(at: try ContextSystem.cgroupPath(xid), controllers: [controller])
        return record.controllerSet.contains(controller) || access(own.directories[0], F_OK) == 0 ? own : nil
    }

    /// Applies `configure` to its own cgroup of `controller`. Without one, nothing happens,
    /// unless `addingIfMissing`: then one is made, configured, and every process of the
    /// context moved into it, frozen meanwhile so that no fork escapes (`.operationUnsupported`
    /// where the host lacks the controller).
    func configureOwnCgroup(_ controller: CgroupController, addingIfMissing: Bool = false,
                            _ configure: (Cgroup) throws(VirError) -> Void) throws(VirError) {
        if let own = try ownCgroup(controller) { return try configure(own) }
        guard addingIfMissing else { return }
        guard system.cgroups.layout.placements[controller] != nil else {
            throw VirError(.operationUnsupported, "this host has no \(controller.rawValue) cgroup controller", domain: .none)
        }
        let added = try system.cgroups.create(try ContextSystem.cgroupPath(xid), controllers: [controller])
        do {
            try configure(added)
            try moveProcesses(into: added)
        } catch {
            try? added.remove()
            throw error
        }
    }

    /// Changes the settings of its own cgroup of `controller` while it runs: `configure`
    /// writes them. A context created without a cgroup of that controller gets one (every
    /// process moved in, frozen meanwhile); `.operationUnsupported` where the host lacks the
    /// controller. The drivers' live tuning calls (`virDomainPinVcpuFlags`,
    /// `virDomainSetVcpusFlags` of a container) come through here.
    public func updateCgroup(_ controller: CgroupController, _ configure: (Cgroup) throws(VirError) -> Void) throws(VirError) {
        try configureOwnCgroup(controller, addingIfMissing: true, configure)
    }

    /// The cgroup.procs files a process writes itself into to join the context.
    func procsFiles() throws(VirError) -> [String] {
        var files = try cgroup().procsFiles
        for controller in [CgroupController.pids, .devices, .cpuset] where !record.controllerSet.contains(controller) {
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
