import CVirtShim
import VirtError

extension SpawnPlan {
    /// The error for a step the child reported as failed: "*step*: *strerror*".
    func failure(_ report: cvs_report) -> VirError {
        Syscall.error(describe(step: report.step, index: Int(report.index)), errno: report.error)
    }

    private func describe(step: Int32, index: Int) -> String {
        switch UInt32(step) {
        case CVS_STEP_SIGNALS.rawValue: "reset signals of the child"
        case CVS_STEP_SYNC.rawValue: "wait for the parent"
        case CVS_STEP_TIMENS_UNSHARE.rawValue: "unshare time namespace"
        case CVS_STEP_TIMENS_OFFSETS.rawValue: "write /proc/self/timens_offsets"
        case CVS_STEP_TIMENS_ENTER.rawValue: "enter time namespace"
        case CVS_STEP_SETSID.rawValue: "setsid"
        case CVS_STEP_CONTROLLING_TTY.rawValue: "make descriptor \(controllingTerminal ?? -1) the controlling terminal"
        case CVS_STEP_HOSTNAME.rawValue: "sethostname \(hostname ?? "")"
        case CVS_STEP_DOMAINNAME.rawValue: "setdomainname \(domainname ?? "")"
        case CVS_STEP_PROPAGATION.rawValue: "make / \(rootPropagation == .slave ? "rslave" : "rprivate")"
        case CVS_STEP_MOUNT.rawValue: describe(mount: index)
        case CVS_STEP_ROOTFS_BIND.rawValue: "bind mount rootfs \(rootfs ?? "")"
        case CVS_STEP_PIVOT_ROOT.rawValue: "pivot_root \(rootfs ?? "")"
        case CVS_STEP_OLD_ROOT.rawValue: "detach the old root"
        case CVS_STEP_READONLY.rawValue: "make \(readOnlyPaths.indices.contains(index) ? readOnlyPaths[index] : "?") read-only"
        case CVS_STEP_CHDIR.rawValue: "chdir \(workingDirectory ?? "")"
        case CVS_STEP_FDS.rawValue: describe(descriptor: index)
        case CVS_STEP_BOUNDING.rawValue: "drop \(Capability(rawValue: Int32(index)).map(\.description) ?? "\(index)") from the bounding set"
        case CVS_STEP_NO_NEW_PRIVS.rawValue: "set no_new_privs"
        case CVS_STEP_SETGROUPS.rawValue: "setgroups"
        case CVS_STEP_SETGID.rawValue: "setgid \(gid.map { "\($0)" } ?? "")"
        case CVS_STEP_SETUID.rawValue: "setuid \(uid.map { "\($0)" } ?? "")"
        case CVS_STEP_PDEATHSIG.rawValue: "set the parent-death signal"
        case CVS_STEP_SECCOMP.rawValue: "install seccomp program \(index)"
        case CVS_STEP_LISTENER.rawValue: "send the seccomp listener to the parent"
        case CVS_STEP_EXEC.rawValue: describeExec()
        case CVS_STEP_JOIN.rawValue: "join the \(joinNamespaces?.namespaces.description ?? "") namespaces of pidfd \(joinNamespaces?.pidfd ?? -1)"
        case CVS_STEP_JOIN_CLONE.rawValue: "clone the process in the joined pid namespace"
        case CVS_STEP_JOIN_REPORT.rawValue: "report the process in the joined pid namespace"
        case CVS_STEP_SUBREAPER.rawValue: "become a child subreaper"
        case CVS_STEP_CGROUP_NS.rawValue: "unshare the cgroup namespace"
        default: "spawn step \(step)"
        }
    }

    private func describe(mount index: Int) -> String {
        guard mounts.indices.contains(index) else { return "mount" }
        let mount = mounts[index]
        switch mount.kind {
        case .mount: return "mount \(mount.source ?? "none") on \(hostTarget(of: mount))" + (mount.type.map { " type \($0)" } ?? "")
        case .directory: return "create directory \(hostTarget(of: mount))"
        case .characterDevice(let major, let minor, _): return "create device node \(hostTarget(of: mount)) (\(major):\(minor))"
        case .symbolicLink: return "create symbolic link \(hostTarget(of: mount)) -> \(mount.source ?? "")"
        case .file: return "create file \(hostTarget(of: mount))"
        }
    }

    private func describe(descriptor index: Int) -> String {
        let ordered = orderedDescriptors
        guard ordered.indices.contains(index) else { return "move descriptors of the child" }
        return "make descriptor \(ordered[index].from) the child's \(ordered[index].to)"
    }

    private func describeExec() -> String {
        switch executable {
        case .path(let path): "execve \(path)"
        case .descriptor(let fd): "execveat descriptor \(fd)"
        }
    }
}
