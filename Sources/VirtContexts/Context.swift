import FoundationEssentials
import VirtError
import VirtSystem

#if canImport(Glibc)
import Glibc
#endif

/// One live security context. Corresponds to an xid in libvserver's calls.
public struct Context: Sendable {
    /// The system it belongs to.
    public let system: ContextSystem
    /// Its id (`xid_t`).
    public let xid: UInt32
    let record: ContextRecord

    var store: ContextStore { system.store }

    /// A process of the context, to reach its namespaces through: the first process while it
    /// lives, else any other (a context without a pid namespace of its own outlives its first
    /// process).
    func livePID() throws(VirError) -> Int32 {
        if isFirstProcessRunning() { return record.initPID }
        guard let member = ((try? cgroup().processes()) ?? []).first else {
            throw VirError(.noDomain, "security context \(xid) is no longer running", domain: .none)
        }
        return member
    }

    /// Whether the recorded first process still runs: not a zombie, and not a later process
    /// that reuses its pid.
    private func isFirstProcessRunning() -> Bool {
        guard let pidfd = try? Pidfd.open(record.initPID) else { return false }
        defer { close(pidfd) }
        guard record.initIdentity.matches(pidfd: pidfd, pid: record.initPID),
              let stat = try? ProcessStat.read(pid: record.initPID) else { return false }
        return stat.state != "Z" && stat.state != "X"
    }

    /// A pidfd (the caller closes it) of ``livePID()``, checked to be in the context after
    /// it was opened, so that a reused pid cannot stand in for it.
    func livePidfd() throws(VirError) -> Int32 {
        let pid = try livePID()
        let pidfd = try Pidfd.open(pid)
        guard ((try? cgroup().processes()) ?? []).contains(pid) else {
            close(pidfd)
            throw VirError(.noDomain, "security context \(xid) is no longer running", domain: .none)
        }
        return pidfd
    }

    /// Corresponds to `vx_info`: the xid and the host pid of the context's init (the one
    /// VXM_SET_INIT designated, if any).
    public func info() -> (xid: UInt32, initPID: Int32) { (xid, record.designatedInitPID ?? record.initPID) }

    /// The namespaces the context has.
    public var namespaces: NamespaceSet { NamespaceSet(rawValue: record.namespaces) }

    // MARK: flags

    /// Corresponds to `vx_flags_get`.
    public func flags() -> ContextFlags { ContextFlags(rawValue: store.readHex(xid, "flags")) }

    /// Corresponds to `vx_flags_set`: sets the flags in `mask` to their value in `flags`.
    /// Each change has its real effect or is refused with the reason; nothing changes then.
    public func setFlags(_ flags: ContextFlags, mask: ContextFlags) throws(VirError) {
        let current = self.flags()
        let new = current.subtracting(mask).union(flags.intersection(mask))
        try ContextSystem.validate(flags: new, current: current)
        let changed = new.symmetricDifference(current)
        if let fixed = Optional(changed.intersection(ContextFlags.creationOnly)), !fixed.isEmpty {
            throw VirError(.operationInvalid, "flags 0x\(String(fixed.rawValue, radix: 16)) shape the context's namespaces and can only be chosen when it is created", domain: .none)
        }
        if changed.contains(.persistent) && new.contains(.persistent) && !record.hasInit {
            throw VirError(.operationInvalid, "VXF_PERSISTENT can only be given when the context is created: only then does it get the resident init that keeps it alive without processes", domain: .none)
        }
        let revived = new.intersection(ContextFlags.oneWay).subtracting(current)
        guard revived.isEmpty else {
            throw VirError(.operationInvalid, "flags 0x\(String(revived.rawValue, radix: 16)) are one-way: once cleared they cannot be set again", domain: .none)
        }
        let group = try cgroup()
        if changed.contains(.schedPause) {
            if new.contains(.schedPause) { try group.freeze() } else { try group.thaw() }
        }
        if changed.contains(.infoNproc) {
            let limit = new.contains(.infoNproc) ? (record.processLimit ?? ContextOptions().processLimit) : nil
            try configureOwnCgroup(.pids, addingIfMissing: limit != nil) { (pids) throws(VirError) in try pids.setPidsLimit(limit) }
        }
        try store.writeHex(xid, "flags", new.rawValue)
        // The init of a persistent context re-reads the flags when told: SIGRTMIN + 1
        // (glibc's SIGRTMIN is 34, the kernel's first two real-time signals being reserved by
        // it). Any other first process is the command itself, which must not get it.
        if record.hasInit && changed.contains(.persistent) { Glibc.kill(record.initPID, 35) }
    }

    // MARK: capabilities

    /// Corresponds to `vx_ccaps_get`.
    public func capabilities() -> ContextCapabilities { ContextCapabilities(rawValue: store.readHex(xid, "ccaps")) }

    /// Corresponds to `vx_ccaps_set`: takes effect at once for every process of the context.
    public func setCapabilities(_ capabilities: ContextCapabilities, mask: ContextCapabilities) throws(VirError) {
        let new = self.capabilities().subtracting(mask).union(capabilities.intersection(mask))
        guard new.isSubset(of: .known) else {
            throw VirError.invalidArg("unknown context capability bits 0x\(String(new.subtracting(.known).rawValue, radix: 16))")
        }
        let allowed = try store.read(xid, "devices").map { (text) throws(VirError) in
            try text.split(separator: "\n").map { (line) throws(VirError) in try DeviceRule(parsing: String(line)) }
        }
        // A context with the default rules shares its devices cgroup; other rules need its own.
        try configureOwnCgroup(.devices, addingIfMissing: !ContextSystem.hasDefaultDeviceRules(new, allowed: allowed)) { (devices) throws(VirError) in
            try ContextSystem.applyDeviceRules(new, allowed: allowed, to: devices)
        }
        try store.writeHex(xid, "ccaps", new.rawValue)
    }

    /// Corresponds to `vx_bcaps_get`: the capability bounding set of the context's processes.
    public func boundingSet() -> CapabilitySet { CapabilitySet(rawValue: record.boundingSet) }

    /// Corresponds to `vx_bcaps_set`. A bounding set can only be changed by the process it
    /// belongs to, so the set is fixed when the context is created; a request that would
    /// change it is refused with that reason, and one that changes nothing succeeds.
    public func setBoundingSet(_ set: CapabilitySet, mask: CapabilitySet) throws(VirError) {
        let current = boundingSet()
        let new = current.subtracting(mask).union(set.intersection(mask))
        let last = try CapabilitySet.through(CapabilitySet.kernelLast())
        guard new.isSubset(of: last) else {
            throw VirError.invalidArg("capability \(new.subtracting(last)) is beyond the kernel's last capability")
        }
        guard new == current else {
            throw VirError(.operationUnsupported, "the bounding set of running processes cannot be changed from outside them; give it when creating the context", domain: .none)
        }
    }

    // MARK: uname

    /// Corresponds to `vx_uname_get`.
    public func uname(_ field: UnameField) -> String {
        switch field {
        case .context: return record.name
        case .nodename, .domainname:
            let names = (try? livePID()).flatMap { try? UTSNames.get(ofProcess: $0) }
            return (field == .nodename ? names?.hostname : names?.domainname) ?? ""
        default:
            let lines = (store.read(xid, "uname") ?? "").split(separator: "\n", omittingEmptySubsequences: false)
            let index = [UnameField.sysname: 0, .release: 1, .version: 2, .machine: 3][field] ?? 0
            return index < lines.count ? String(lines[index]) : ""
        }
    }

    /// Corresponds to `vx_uname_set`. Node and domain name change in the context's UTS
    /// namespace; the other fields change what uname(2) answers inside, at once.
    public func setUname(_ field: UnameField, _ value: String) throws(VirError) {
        try ContextSystem.validate(uname: value, for: field)
        switch field {
        case .context:
            var updated = record
            updated.name = value
            try store.save(updated)
        case .nodename, .domainname:
            try UTSNames.set(ofProcess: try livePID(), hostname: field == .nodename ? value : nil,
                             domainname: field == .domainname ? value : nil)
        default:
            var lines = (store.read(xid, "uname") ?? "\n\n\n\n").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            while lines.count < 4 { lines.append("") }
            let index = [UnameField.sysname: 0, .release: 1, .version: 2, .machine: 3][field] ?? 0
            lines[index] = value
            try store.write(xid, "uname", lines.prefix(4).map { $0 + "\n" }.joined())
        }
    }
}
