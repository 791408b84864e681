import VirtContexts
import VirtCore
import VirtError
import VirtSystem
import VirtXML

/// A container's vcpus are CPU capacity and placement (``LXCCPULimits``): the count caps its
/// CPU time, the pins choose its cpuset. Live changes rewrite its cpu and cpuset cgroups.
extension LXCDriver {
    /// The most vcpus a container definition may have.
    static let maximumVcpus: UInt32 = 4096

    /// Corresponds to `virDomainSetVcpusFlags`: the live count moves the container's CPU
    /// quota (and cpuset) at once; the config count, or with `VIR_DOMAIN_VCPU_MAXIMUM` the
    /// maximum, is stored durably.
    public func setVcpus(_ identity: DomainIdentity, count: UInt32, flags: VcpuFlags) async throws {
        try flags.check(supported: [.live, .config, .maximum], function: "lxcDomainSetVcpusFlags", domain: .lxc)
        guard count <= Self.maximumVcpus else {
            throw VirError(.invalidArg, "requested cpu amount exceeds maximum supported amount (\(count) > \(Self.maximumVcpus))", domain: .lxc)
        }
        try mutate { (domains, _) throws(VirError) in
            var domain = try domains.find(identity)
            let targets = try targets(of: domain, live: flags.contains(.live), config: flags.contains(.config))
            if targets.live {
                var live = domain.definition
                try live.setVcpus(count, maximum: false, errorDomain: .lxc)
                try apply(live, to: &domain)
            }
            if targets.config {
                var persistent = domain.persistentDefinition
                try persistent.setVcpus(count, maximum: flags.contains(.maximum), errorDomain: .lxc)
                try commit(persistent, to: &domain)
            }
            domains[identity.name] = domain
        }
    }

    /// Corresponds to `virDomainGetVcpusFlags`: the current (or maximum) count of the live
    /// or persistent definition.
    public func vcpuCount(_ identity: DomainIdentity, flags: VcpuFlags) async throws -> UInt32 {
        try flags.check(supported: [.live, .config, .maximum], function: "lxcDomainGetVcpusFlags", domain: .lxc)
        let domain = try domains.withLock { (domains) throws(VirError) in try domains.find(identity) }
        let targets = try targets(of: domain, live: flags.contains(.live), config: flags.contains(.config))
        let vcpu = targets.live ? domain.definition.vcpu : domain.persistentDefinition.vcpu
        return flags.contains(.maximum) ? vcpu.maximum : vcpu.current
    }

    /// Corresponds to `virDomainGetVcpus`. Each online vcpu reports the container's CPU time
    /// split evenly (its processes are not bound to vcpus), its affinity, and as its CPU the
    /// one the init last ran on when the affinity allows it, else the affinity's first.
    public func vcpus(_ identity: DomainIdentity) async throws -> [VcpuInfo] {
        let domain = try domains.withLock { (domains) throws(VirError) in try domains.find(identity) }
        guard let xid = domain.xid, let context = try? contexts.context(xid) else {
            throw VirError(.operationInvalid, "cannot list vcpus for an inactive domain", domain: .lxc)
        }
        let count = max(domain.definition.vcpu.current, 1)
        let share = context.cpuTime() / UInt64(count)
        let lastCPU = domain.initPID.flatMap { try? ProcessStat.read(pid: $0).lastCPU } ?? -1
        let length = CPUMap.length(forCPUs: host.cpus)
        return (0..<count).map { index in
            let map = domain.definition.vcpuAffinity(index, hostCPUs: host.cpus).resized(to: length)
            let cpu = lastCPU >= 0 && map.isUsable(Int(lastCPU)) ? lastCPU : Int32(map.cpus.first ?? -1)
            return VcpuInfo(number: index, state: .running, cpuTime: share, cpu: cpu, affinity: map)
        }
    }

    /// Corresponds to `virDomainPinVcpuFlags`: `<vcpupin>` of the live definition (the
    /// container's cpuset changes at once) and/or of the persistent one.
    public func pinVcpu(_ identity: DomainIdentity, vcpu: UInt32, cpumap: CPUMap, flags: ModificationImpact) async throws {
        try flags.check(supported: [.live, .config], function: "lxcDomainPinVcpuFlags", domain: .lxc)
        let cpus = cpumap.cpus.filter { $0 < host.cpus }
        guard !cpus.isEmpty else { throw VirError(.invalidArg, "Empty cpu list for pinning", domain: .lxc) }
        let pin = CPUMap.format(cpus)
        try mutate { (domains, _) throws(VirError) in
            var domain = try domains.find(identity)
            let targets = try targets(of: domain, live: flags.contains(.live), config: flags.contains(.config))
            if targets.live {
                var live = domain.definition
                try live.pinVcpu(vcpu, to: pin, which: "live", errorDomain: .lxc)
                try apply(live, to: &domain)
            }
            if targets.config {
                var persistent = domain.persistentDefinition
                try persistent.pinVcpu(vcpu, to: pin, which: "persistent", errorDomain: .lxc)
                try commit(persistent, to: &domain)
            }
            domains[identity.name] = domain
        }
    }

    /// Corresponds to `virDomainGetVcpuPinInfo`: where each vcpu (offline ones too) of the
    /// live or persistent definition may run.
    public func vcpuPinInfo(_ identity: DomainIdentity, flags: ModificationImpact) async throws -> [CPUMap] {
        try flags.check(supported: [.live, .config], function: "lxcDomainGetVcpuPinInfo", domain: .lxc)
        let domain = try domains.withLock { (domains) throws(VirError) in try domains.find(identity) }
        let targets = try targets(of: domain, live: flags.contains(.live), config: flags.contains(.config))
        let definition = targets.live ? domain.definition : domain.persistentDefinition
        return (0..<definition.vcpu.maximum).map { definition.vcpuAffinity($0, hostCPUs: host.cpus) }
    }

    /// Which of `domain`'s definitions a change applies to (``ModificationTargets``).
    func targets(of domain: LXCDomain, live: Bool, config: Bool) throws(VirError) -> ModificationTargets {
        try ModificationTargets(live: live, config: config, isActive: domain.xid != nil, isPersistent: domain.isPersistent)
    }

    /// Makes `live` the running container's definition, moving its CPU quota and cpuset to
    /// what it allows, and records it in the run status.
    private func apply(_ live: DomainDefinition, to domain: inout LXCDomain) throws(VirError) {
        guard let xid = domain.xid, let context = try? contexts.context(xid) else {
            throw VirError(.operationInvalid, "domain is not running", domain: .lxc)
        }
        let old = LXCCPULimits(domain.definition, hostCPUs: host.cpus)
        let new = LXCCPULimits(live, hostCPUs: host.cpus)
        if new.quota != old.quota || new.period != old.period {
            try context.updateCgroup(.cpu) { (cgroup) throws(VirError) in try new.applyQuota(to: cgroup) }
        }
        if new.cpus != old.cpus {
            try context.updateCgroup(.cpuset) { (cgroup) throws(VirError) in try new.applyCPUs(to: cgroup, online: host.online) }
        }
        domain.definition = live
        try store.saveRun(live, LXCRunStatus(xid: xid))
    }
}
