import CVirtShim
import Glibc

extension SpawnPlan {
    /// The descriptor mappings in the order the child applies (and reports) them.
    var orderedDescriptors: [(to: Int32, from: Int32)] {
        descriptors.sorted { $0.key < $1.key }.map { (to: $0.key, from: $0.value) }
    }

    /// A mount's target as the child sees it before `pivot_root`.
    func hostTarget(of mount: Mount) -> String {
        guard let rootfs else { return mount.target }
        return (rootfs.hasSuffix("/") ? String(rootfs.dropLast()) : rootfs) + mount.target
    }

    /// The C form of the plan, in `memory`. `lastCapability` bounds the bounding-set drop.
    /// `parentHasWork`: the caller has work of its own to finish before the program runs, so
    /// the child waits for "go" even when the plan alone would not make it.
    func cSpec(in memory: CMemory, lastCapability: Capability?, parentHasWork: Bool) -> UnsafeMutablePointer<cvs_spawn> {
        let spec = memory.allocate(cvs_spawn.self)
        // A cgroup namespace is made once the child is in its cgroups, so that it is rooted
        // at them, as a container's must be.
        let lateCgroupNamespace = namespaces.contains(.cgroup)
        spec.pointee.namespaces = namespaces.subtracting([.time, .cgroup]).rawValue
        spec.pointee.unshare_cgroup = lateCgroupNamespace ? 1 : 0
        spec.pointee.join_pidfd = joinNamespaces?.pidfd ?? -1
        spec.pointee.join_namespaces = joinNamespaces?.namespaces.rawValue ?? 0
        spec.pointee.parent_ready = !parentHasWork && uidMap == nil && gidMap == nil && cgroupProcsFiles.isEmpty ? 1 : 0
        spec.pointee.cgroup_fd = cgroupDirectory ?? -1
        spec.pointee.set_sid = newSession ? 1 : 0
        spec.pointee.controlling_tty = controllingTerminal ?? -1
        spec.pointee.hostname = memory.string(hostname)
        spec.pointee.domainname = memory.string(domainname)
        spec.pointee.timens_offsets = namespaces.contains(.time) ? memory.string(timeOffsets.procText) : nil
        spec.pointee.root_propagation = namespaces.contains(.mount) ? rootPropagation.flag : 0
        fillMounts(spec, memory)
        spec.pointee.cwd = memory.string(workingDirectory)
        fillDescriptors(spec, memory)
        if let boundingSet, let lastCapability {
            spec.pointee.drop_bounding = 1
            spec.pointee.bounding = boundingSet.rawValue
            spec.pointee.cap_last = lastCapability.rawValue
        }
        fillIdentity(spec, memory)
        spec.pointee.no_new_privs = noNewPrivileges ? 1 : 0
        spec.pointee.pdeathsig = parentDeathSignal ?? 0
        spec.pointee.child_subreaper = childSubreaper ? 1 : 0
        fillFilters(spec, memory)
        switch executable {
        case .path(let path):
            spec.pointee.exec_fd = -1
            spec.pointee.path = memory.string(path)
        case .descriptor(let fd):
            spec.pointee.exec_fd = fd
        }
        spec.pointee.argv = UnsafePointer(memory.strings(arguments))
        spec.pointee.envp = UnsafePointer(memory.strings(environment))
        return spec
    }

    private func fillMounts(_ spec: UnsafeMutablePointer<cvs_spawn>, _ memory: CMemory) {
        let list = memory.allocate(cvs_mount.self, count: mounts.count)
        for (index, mount) in mounts.enumerated() {
            var step = cvs_mount()
            step.source = memory.string(mount.source)
            step.target = memory.string(hostTarget(of: mount))
            step.fstype = memory.string(mount.type)
            step.flags = mount.flags
            step.data = memory.string(mount.data)
            switch mount.kind {
            case .mount: step.kind = Int32(CVS_MOUNT.rawValue)
            case .directory(let mode):
                step.kind = Int32(CVS_MOUNT_DIRECTORY.rawValue)
                step.mode = mode
            case .characterDevice(let major, let minor, let mode):
                step.kind = Int32(CVS_MOUNT_CHAR_DEVICE.rawValue)
                (step.major, step.minor, step.mode) = (major, minor, mode)
            case .symbolicLink: step.kind = Int32(CVS_MOUNT_SYMLINK.rawValue)
            case .file(let mode):
                step.kind = Int32(CVS_MOUNT_FILE.rawValue)
                step.mode = mode
            }
            list[index] = step
        }
        spec.pointee.mounts = UnsafePointer(list)
        spec.pointee.mount_count = mounts.count
        spec.pointee.rootfs = memory.string(rootfs)
        let paths = memory.allocate(UnsafePointer<CChar>?.self, count: readOnlyPaths.count)
        for (index, path) in readOnlyPaths.enumerated() { paths[index] = memory.string(path) }
        spec.pointee.readonly_paths = UnsafePointer(paths)
        spec.pointee.readonly_count = readOnlyPaths.count
    }

    private func fillDescriptors(_ spec: UnsafeMutablePointer<cvs_spawn>, _ memory: CMemory) {
        let ordered = orderedDescriptors
        let list = memory.allocate(cvs_fd_map.self, count: ordered.count)
        for (index, pair) in ordered.enumerated() { list[index] = cvs_fd_map(from: pair.from, to: pair.to) }
        spec.pointee.fds = UnsafePointer(list)
        spec.pointee.fd_count = ordered.count
        spec.pointee.fd_base = (ordered.last?.to ?? -1) + 1
    }

    private func fillIdentity(_ spec: UnsafeMutablePointer<cvs_spawn>, _ memory: CMemory) {
        if let groups {
            let list = memory.allocate(gid_t.self, count: groups.count)
            for (index, group) in groups.enumerated() { list[index] = group }
            spec.pointee.set_groups = 1
            spec.pointee.groups = UnsafePointer(list)
            spec.pointee.group_count = groups.count
        }
        if let gid {
            spec.pointee.set_gid = 1
            spec.pointee.gid = gid
        }
        if let uid {
            spec.pointee.set_uid = 1
            spec.pointee.uid = uid
        }
    }

    private func fillFilters(_ spec: UnsafeMutablePointer<cvs_spawn>, _ memory: CMemory) {
        let filters = memory.allocate(cvs_filter.self, count: seccomp.count)
        for (index, program) in seccomp.enumerated() {
            let code = memory.allocate(sock_filter.self, count: program.instructions.count)
            for (at, op) in program.instructions.enumerated() {
                code[at] = sock_filter(code: op.code, jt: op.jt, jf: op.jf, k: op.k)
            }
            filters[index] = cvs_filter(code: UnsafePointer(code), length: UInt16(program.instructions.count),
                                        flags: program.wantsListener ? UInt32(SECCOMP_FILTER_FLAG_NEW_LISTENER) : 0)
        }
        spec.pointee.filters = UnsafePointer(filters)
        spec.pointee.filter_count = seccomp.count
        spec.pointee.listener_fd = listenerDescriptor ?? -1
    }
}
