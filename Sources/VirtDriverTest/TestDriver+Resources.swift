import VirtCore
import VirtError
import VirtXML

#if canImport(Glibc)
import Glibc
#endif

extension TestDriver {
    /// The most vcpus a test-driver domain may have (`virConnectGetMaxVcpus`).
    static let maximumVcpus: UInt32 = 32

    /// Corresponds to `virDomainGetMaxMemory`.
    public func maxMemory(_ domain: DomainIdentity) async throws -> UInt64 {
        try read { node throws(VirError) in try node.summary(domain).maxMemory }
    }

    /// Corresponds to `virDomainSetMaxMemory`: `virDomainSetMemoryFlags` with `MEM_MAXIMUM`.
    public func setMaxMemory(_ domain: DomainIdentity, kib: UInt64) async throws {
        try await setMemory(domain, kib: kib, flags: .maximum)
    }

    /// Corresponds to `virDomainSetMemoryFlags`: one definition, the balloon or (with
    /// `MEM_MAXIMUM`, inactive only) the maximum.
    public func setMemory(_ domain: DomainIdentity, kib: UInt64, flags: MemoryFlags) async throws {
        try flags.check(supported: [.live, .config, .maximum], function: "testDomainSetMemoryFlags")
        try mutate { node, _ throws(VirError) in
            try node.withDomain(domain) { d throws(VirError) in
                let impact = try d.impact(live: flags.contains(.live), config: flags.contains(.config))
                var definition = impact.live ? d.definition : d.persistentDefinition
                if flags.contains(.maximum) {
                    if impact.live {
                        throw VirError(.operationInvalid, "cannot resize the maximum memory on an active domain", domain: .test)
                    }
                    if let limit = definition.maxMemory, limit.kib < kib {
                        throw VirError(.operationInvalid, "cannot set initial memory size greater than the maximum memory size", domain: .test)
                    }
                    definition.memory = kib
                    definition.currentMemory = min(definition.currentMemory, kib)
                } else {
                    guard kib <= definition.memory else {
                        throw VirError(.invalidArg, "cannot set memory higher than max memory", domain: .test)
                    }
                    definition.currentMemory = kib
                }
                if impact.live { d.definition = definition } else { d.persistentDefinition = definition }
            }
        }
    }

    /// Corresponds to `virDomainSetVcpusFlags`.
    public func setVcpus(_ domain: DomainIdentity, count: UInt32, flags: VcpuFlags) async throws {
        try flags.check(supported: [.live, .config, .maximum], function: "testDomainSetVcpusFlags")
        guard count <= Self.maximumVcpus else {
            throw VirError(.invalidArg, "requested cpu amount exceeds maximum supported amount (\(count) > \(Self.maximumVcpus))", domain: .test)
        }
        try mutate { node, _ throws(VirError) in
            try node.withDomain(domain) { d throws(VirError) in
                let impact = try d.impact(live: flags.contains(.live), config: flags.contains(.config))
                if impact.live && count > d.definition.vcpu.maximum {
                    throw VirError(.invalidArg, "requested cpu amount exceeds maximum (\(count) > \(d.definition.vcpu.maximum))", domain: .test)
                }
                if impact.config && !flags.contains(.maximum) && count > d.persistentDefinition.vcpu.maximum {
                    throw VirError(.invalidArg, "requested cpu amount exceeds maximum (\(count) > \(d.persistentDefinition.vcpu.maximum))", domain: .test)
                }
                if impact.live { d.definition.vcpu.current = count }
                if impact.config {
                    if flags.contains(.maximum) {
                        d.persistentDefinition.vcpu.maximum = count
                        d.persistentDefinition.vcpu.current = min(d.persistentDefinition.vcpu.current, count)
                    } else {
                        d.persistentDefinition.vcpu.current = count
                    }
                }
            }
        }
    }

    /// Corresponds to `virDomainGetVcpusFlags`.
    public func vcpuCount(_ domain: DomainIdentity, flags: VcpuFlags) async throws -> UInt32 {
        try flags.check(supported: [.live, .config, .maximum], function: "testDomainGetVcpusFlags")
        return try read { node throws(VirError) in
            let d = try node.domain(domain)
            let impact = try d.impact(live: flags.contains(.live), config: flags.contains(.config))
            let vcpu = impact.live ? d.definition.vcpu : d.persistentDefinition.vcpu
            return flags.contains(.maximum) ? vcpu.maximum : vcpu.current
        }
    }

    /// Corresponds to `virDomainGetVcpus`: each online vcpu reports the highest CPU of its
    /// affinity, as libvirt's test driver does.
    public func vcpus(_ domain: DomainIdentity) async throws -> [VcpuInfo] {
        let (d, hostCPUs) = try read { node throws(VirError) in (try node.domain(domain), node.hostCPUs) }
        guard d.isActive else {
            throw VirError(.operationInvalid, "cannot list vcpus for an inactive domain", domain: .test)
        }
        let cpuTime = Self.nowNanoseconds() / 1000 / 10
        return (0..<d.definition.vcpu.current).map { index in
            let map = d.definition.vcpuAffinity(index, hostCPUs: hostCPUs).resized(to: CPUMap.length(forCPUs: hostCPUs))
            return VcpuInfo(number: index, state: .running, cpuTime: cpuTime, cpu: Int32(map.cpus.last ?? -1), affinity: map)
        }
    }

    /// Corresponds to `virDomainPinVcpuFlags`: pins a vcpu of the live definition.
    public func pinVcpu(_ domain: DomainIdentity, vcpu: UInt32, cpumap: CPUMap, flags: ModificationImpact) async throws {
        try flags.check(supported: [], function: "testDomainPinVcpuFlags")
        try mutate { node, _ throws(VirError) in
            try node.withDomain(domain) { d throws(VirError) in
                guard d.isActive else {
                    throw VirError(.operationInvalid, "cannot pin vcpus on an inactive domain", domain: .test)
                }
                guard vcpu < d.definition.vcpu.current else {
                    throw VirError(.invalidArg, "requested vcpu '\(vcpu)' is not present in the domain", domain: .test)
                }
                d.definition.cputune.vcpuPins[vcpu] = cpumap.description
            }
        }
    }

    /// Corresponds to `virDomainGetVcpuPinInfo`: one map per vcpu, offline ones included.
    public func vcpuPinInfo(_ domain: DomainIdentity, flags: ModificationImpact) async throws -> [CPUMap] {
        try read { node throws(VirError) in
            let d = try node.domain(domain)
            let impact = try d.impact(live: flags.contains(.live), config: flags.contains(.config))
            let definition = impact.live ? d.definition : d.persistentDefinition
            return (0..<definition.vcpu.maximum).map { definition.vcpuAffinity($0, hostCPUs: node.hostCPUs) }
        }
    }
}
