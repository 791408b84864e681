import Foundation
import VirtError
import VirtSystem

#if canImport(Glibc)
import Glibc
#endif

extension Context {
    /// Corresponds to `vx_migrate`: starts `command` inside the running context.
    ///
    /// The new process joins every namespace of the context (through a pidfd of one of its
    /// processes), its cgroups, its capability bounding set and the context's seccomp program.
    /// The keeper answers that program's notifications, so context capabilities, flags and
    /// uname are enforced in the new process as in every other one.
    /// It is a child of the caller, which waits for it through the returned process.
    ///
    /// - Parameters:
    ///   - command: the absolute path of the program, then its arguments.
    ///   - flags: `VXM_SET_INIT` records the new process as the context's init (the pid
    ///     ``info()`` reports, which `vx_kill` pid 1 and ``wait()`` then follow);
    ///     `VXM_SET_REAPER` makes it a child subreaper, so that its orphaned descendants
    ///     are reparented to it.
    ///   - descriptors: `[fd in the new process: fd of the caller]`.
    ///   - environment: its environment, `NAME=value`.
    /// - Throws: `VIR_ERR_OPERATION_DENIED` with `VXF_INFO_PRIVATE`, `VIR_ERR_NO_DOMAIN` if the
    ///   context has died, `VIR_ERR_OPERATION_INVALID` while it is frozen.
    public func migrate(command: [String], flags: MigrationFlags = [], descriptors: [Int32: Int32] = [0: 0, 1: 1, 2: 2],
                        environment: [String]) throws(VirError) -> ChildProcess {
        let unknown = flags.subtracting([.setInit, .setReaper])
        guard unknown.isEmpty else { throw VirError.invalidArg("unknown migration flag bits 0x\(String(unknown.rawValue, radix: 16))") }
        guard let path = command.first, path.hasPrefix("/") else {
            throw VirError.invalidArg("the process entering a context needs an absolute executable path, got '\(command.first ?? "")'")
        }
        let contextFlags = self.flags()
        if contextFlags.contains(.infoPrivate) {
            throw VirError(.operationDenied, "security context \(xid) has VXF_INFO_PRIVATE: the context cannot be entered", domain: .none)
        }
        if contextFlags.contains(.schedPause) {
            throw VirError(.operationInvalid, "security context \(xid) is frozen (VXF_SCHED_PAUSE): a process entering it would stop at once; thaw it first", domain: .none)
        }
        let target: Int32
        do { target = try livePidfd() } catch { throw gone() }
        defer { close(target) }
        var plan = SpawnPlan(.path(path), arguments: command)
        plan.environment = environment
        plan.joinNamespaces = SpawnPlan.NamespaceJoin(pidfd: target, namespaces: namespaces)
        // In the context's user namespace this process's ids are unmapped: it becomes root
        // there, as its first process is.
        if namespaces.contains(.user) { (plan.uid, plan.gid, plan.groups) = (0, 0, []) }
        plan.cgroupProcsFiles = try procsFiles()
        plan.descriptors = descriptors
        plan.boundingSet = boundingSet()
        plan.seccomp = [ContextSeccomp.program]
        plan.childSubreaper = flags.contains(.setReaper)
        let child: ChildProcess
        do {
            child = try Spawner.spawn(plan)
        } catch {
            throw system.isAlive(record) ? error : gone()
        }
        do throws(VirError) {
            guard let listener = child.takeSeccompListener() else {
                throw VirError(.internalError, "the entering process came without its seccomp listener", domain: .none)
            }
            defer { close(listener) }
            let stateDirectory = try store.openDirectory(xid)
            defer { close(stateDirectory) }
            try system.keeper.keep(.entered, xid: xid, stateDirectory: stateDirectory, listener: listener, pidfd: child.pidfd)
            if flags.contains(.setInit) { try recordAsInit(child) }
        } catch {
            // Dropping the process reaps it in the background.
            try? child.signal(SIGKILL)
            throw error
        }
        return child
    }

    private func gone() -> VirError {
        VirError(.noDomain, "security context \(xid) is no longer running", domain: .none)
    }

    /// `VXM_SET_INIT`: the record names `process` as the context's init from now on.
    private func recordAsInit(_ process: ChildProcess) throws(VirError) {
        var updated = record
        updated.designatedInitPID = process.pid
        try store.save(updated)
    }
}
