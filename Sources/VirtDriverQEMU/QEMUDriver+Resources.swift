import JSON
import VirtCore
import VirtError
import VirtSystem
import VirtXML

/// Memory and vCPUs of a running QEMU: the balloon, vCPU hotplug, and each vCPU thread's
/// CPU time and affinity; the definitions change with them.
extension QEMUDriver {
    /// Corresponds to `virDomainSetMemoryFlags`. Live, the balloon (`balloon`) asks the
    /// guest to give memory back or take it; in the config, `<currentMemory>`, or `<memory>`
    /// with `VIR_DOMAIN_MEM_MAXIMUM` (refused live, as in libvirt).
    public func setMemory(_ identity: DomainIdentity, kib: UInt64, flags: MemoryFlags) async throws {
        try flags.check(supported: [.live, .config, .maximum], function: "qemuDomainSetMemoryFlags", domain: .qemu)
        guard kib > 0 else { throw VirError.invalidArg("memory must be positive", domain: .qemu) }
        let domain = try find(identity)
        let targets = try targets(of: domain, live: flags.contains(.live), config: flags.contains(.config))
        if flags.contains(.maximum) {
            guard !targets.live else { throw VirError(.operationInvalid, "cannot resize the maximum memory on an active domain", domain: .qemu) }
            return try editPersistent(identity) { (definition) throws(VirError) in definition.setMaximumMemory(kib) }
        }
        if targets.config {
            var persistent = domain.persistentDefinition
            try persistent.setCurrentMemory(kib, errorDomain: .qemu)
        }
        if targets.live {
            guard domain.definition.devices.memballoon?.model == "virtio" else {
                throw VirError(.operationInvalid, "Unable to change memory of active domain without the balloon device and guest OS balloon driver", domain: .qemu)
            }
            var live = domain.definition
            try live.setCurrentMemory(kib, errorDomain: .qemu)
            try await job(identity) { (vm) throws(VirError) in
                _ = try await vm.qemu.monitor.execute("balloon", arguments: .object([("value", .int(kib * 1024))]))
                try editLive(identity, vm) { definition in definition.currentMemory = kib }
            }
        }
        if targets.config { try editPersistent(identity) { (definition) throws(VirError) in try definition.setCurrentMemory(kib, errorDomain: .qemu) } }
    }

    /// Corresponds to `virDomainSetMaxMemory`: `<memory>` of a shut-off domain's config.
    public func setMaxMemory(_ identity: DomainIdentity, kib: UInt64) async throws {
        try await setMemory(identity, kib: kib, flags: .maximum)
    }

    /// Corresponds to `virDomainSetVcpusFlags`. Live, vCPUs are plugged in (`device_add` of
    /// the next free slot `query-hotpluggable-cpus` shows) or unplugged (`device_del`, which
    /// the guest must accept within 5 s); in the config, `<vcpu current=…>`, or the maximum
    /// with `VIR_DOMAIN_VCPU_MAXIMUM`.
    public func setVcpus(_ identity: DomainIdentity, count: UInt32, flags: VcpuFlags) async throws {
        try flags.check(supported: [.live, .config, .maximum], function: "qemuDomainSetVcpusFlags", domain: .qemu)
        guard count > 0 else { throw VirError(.invalidArg, "requested vcpu count must be at least 1", domain: .qemu) }
        let domain = try find(identity)
        let targets = try targets(of: domain, live: flags.contains(.live), config: flags.contains(.config))
        if targets.live {
            guard !flags.contains(.maximum) else {
                throw VirError(.operationInvalid, "the maximum vCPU count of a running domain cannot change", domain: .qemu)
            }
            var live = domain.definition
            try live.setVcpus(count, maximum: false, errorDomain: .qemu)
            try await job(identity) { (vm) throws(VirError) in
                try await plugVcpus(to: count, in: vm)
                try editLive(identity, vm) { definition in definition.vcpu.current = count }
                try await applyVcpuPins(of: live, to: vm.qemu)
            }
        }
        if targets.config {
            try editPersistent(identity) { (definition) throws(VirError) in try definition.setVcpus(count, maximum: flags.contains(.maximum), errorDomain: .qemu) }
        }
    }

    /// Corresponds to `virDomainGetVcpusFlags`: the current (or maximum) count of the live
    /// or persistent definition.
    public func vcpuCount(_ identity: DomainIdentity, flags: VcpuFlags) async throws -> UInt32 {
        try flags.check(supported: [.live, .config, .maximum], function: "qemuDomainGetVcpusFlags", domain: .qemu)
        let domain = try find(identity)
        let targets = try targets(of: domain, live: flags.contains(.live), config: flags.contains(.config))
        let vcpu = targets.live ? domain.definition.vcpu : domain.persistentDefinition.vcpu
        return flags.contains(.maximum) ? vcpu.maximum : vcpu.current
    }

    /// Corresponds to `virDomainGetVcpus`: each vCPU of QEMU (`query-cpus-fast`), with its
    /// thread's CPU time and the CPU it last ran on (/proc; the first it may use, if it has
    /// not run since it was pinned elsewhere), and the CPUs its thread may use.
    public func vcpus(_ identity: DomainIdentity) async throws -> [VcpuInfo] {
        guard let vm = try find(identity).running else {
            throw VirError(.operationInvalid, "cannot list vcpus for an inactive domain", domain: .qemu)
        }
        let length = CPUMap.length(forCPUs: try LocalHost.cpuMap().cpus)
        return try await vcpuThreads(of: vm.qemu).map { (index, thread) in
            let stat = try? ProcessStat.read(pid: thread)
            let allowed = (try? SystemFile.read("/proc/\(thread)/status"))?.split(separator: "\n")
                .first { $0.hasPrefix("Cpus_allowed_list:") }?.split(separator: "\t").last.flatMap { CPUMap.parse(String($0)) }
            // A thread pinned elsewhere since it last ran (an idle vCPU) will run where it may.
            let affinity = (allowed ?? CPUMap(cpus: 0)).resized(to: length)
            let last = stat?.lastCPU ?? -1
            let cpu = last >= 0 && affinity.isUsable(Int(last)) ? last : Int32(affinity.cpus.first ?? -1)
            return VcpuInfo(number: index, state: .running, cpuTime: stat?.cpuNanoseconds ?? 0, cpu: cpu, affinity: affinity)
        }
    }

    /// Corresponds to `virDomainPinVcpuFlags`: live, the vCPU's thread gets the affinity
    /// (`sched_setaffinity`); in both definitions, `<cputune><vcpupin>`.
    public func pinVcpu(_ identity: DomainIdentity, vcpu: UInt32, cpumap: CPUMap, flags: ModificationImpact) async throws {
        try flags.check(supported: [.live, .config], function: "qemuDomainPinVcpuFlags", domain: .qemu)
        let hostCPUs = try LocalHost.cpuMap().cpus
        let cpus = cpumap.cpus.filter { $0 < hostCPUs }
        guard !cpus.isEmpty else { throw VirError(.invalidArg, "Empty cpu list for pinning", domain: .qemu) }
        let pin = CPUMap.format(cpus)
        let domain = try find(identity)
        let targets = try targets(of: domain, live: flags.contains(.live), config: flags.contains(.config))
        if targets.config {
            var persistent = domain.persistentDefinition
            try persistent.pinVcpu(vcpu, to: pin, which: "persistent", errorDomain: .qemu)
        }
        if targets.live {
            var live = domain.definition
            try live.pinVcpu(vcpu, to: pin, which: "live", errorDomain: .qemu)
            try await job(identity) { (vm) throws(VirError) in
                guard let thread = try await vcpuThreads(of: vm.qemu).first(where: { $0.index == vcpu })?.thread else {
                    throw VirError(.invalidArg, "vcpu \(vcpu) is not plugged in", domain: .qemu)
                }
                try ThreadAffinity.set(thread: thread, cpus: cpus)
                try editLive(identity, vm) { definition in definition.cputune.vcpuPins[vcpu] = pin }
            }
        }
        if targets.config {
            try editPersistent(identity) { (definition) throws(VirError) in try definition.pinVcpu(vcpu, to: pin, which: "persistent", errorDomain: .qemu) }
        }
    }

    /// Corresponds to `virDomainGetVcpuPinInfo`: where each vCPU (offline ones too) of the
    /// live or persistent definition may run.
    public func vcpuPinInfo(_ identity: DomainIdentity, flags: ModificationImpact) async throws -> [CPUMap] {
        try flags.check(supported: [.live, .config], function: "qemuDomainGetVcpuPinInfo", domain: .qemu)
        let domain = try find(identity)
        let targets = try targets(of: domain, live: flags.contains(.live), config: flags.contains(.config))
        let definition = targets.live ? domain.definition : domain.persistentDefinition
        let hostCPUs = try LocalHost.cpuMap().cpus
        return (0..<definition.vcpu.maximum).map { definition.vcpuAffinity($0, hostCPUs: hostCPUs) }
    }

    /// Gives each vCPU thread of `qemu` the affinity `definition` asks for, where it asks
    /// for one (`<vcpupin>`, `<vcpu cpuset=…>`).
    func applyVcpuPins(of definition: DomainDefinition, to qemu: QEMUProcess) async throws(VirError) {
        guard !definition.cputune.vcpuPins.isEmpty || definition.vcpu.cpuset != nil else { return }
        let hostCPUs = try LocalHost.cpuMap().cpus
        for (index, thread) in try await vcpuThreads(of: qemu) {
            try ThreadAffinity.set(thread: thread, cpus: definition.vcpuAffinity(index, hostCPUs: hostCPUs).cpus.filter { $0 < hostCPUs })
        }
    }

    /// Each vCPU's index and thread id (`query-cpus-fast`).
    private func vcpuThreads(of qemu: QEMUProcess) async throws(VirError) -> [(index: UInt32, thread: Int32)] {
        (try await qemu.monitor.execute("query-cpus-fast").arrayValue ?? []).compactMap { cpu in
            guard let index = cpu["cpu-index"]?.int64Value, let thread = cpu["thread-id"]?.int64Value else { return nil }
            return (UInt32(index), Int32(thread))
        }.sorted { $0.index < $1.index }
    }

    /// Plugs vCPUs in, or asks the guest to let them go, until `count` are plugged.
    private func plugVcpus(to count: UInt32, in vm: QEMURunningDomain) async throws(VirError) {
        let slots = try await vm.qemu.monitor.execute("query-hotpluggable-cpus").arrayValue ?? []
        let plugged = slots.filter { $0["qom-path"] != nil }
        let socket = { (slot: JSONValue) in slot["props"]?["socket-id"]?.int64Value ?? 0 }
        if count > plugged.count {
            for slot in slots.filter({ $0["qom-path"] == nil }).sorted(by: { socket($0) < socket($1) }).prefix(Int(count) - plugged.count) {
                var arguments: [(String, JSONValue)] = [("driver", slot["type"] ?? .null), ("id", .string("vcpu\(socket(slot))"))]
                arguments += slot["props"]?.members?.map { ($0.key, $0.value) } ?? []
                _ = try await vm.qemu.monitor.execute("device_add", arguments: .object(arguments))
            }
        } else if count < plugged.count {
            let removable = plugged.filter { $0["qom-path"]?.stringValue?.hasPrefix("/machine/peripheral/") == true }.sorted { socket($0) > socket($1) }
            guard removable.count >= plugged.count - Int(count) else {
                throw VirError(.operationUnsupported, "only vCPUs plugged in while the domain runs can be unplugged (\(removable.count) are)", domain: .qemu)
            }
            let doomed = removable.prefix(plugged.count - Int(count)).compactMap { $0["qom-path"]?.stringValue }
            for path in doomed {
                _ = try await vm.qemu.monitor.execute("device_del", arguments: .object([("id", .string(String(path.split(separator: "/").last ?? "")))]))
            }
            let clock = ContinuousClock()
            let deadline = clock.now + .seconds(5)
            while clock.now < deadline {
                let still = try await vm.qemu.monitor.execute("query-hotpluggable-cpus").arrayValue ?? []
                if !still.contains(where: { doomed.contains($0["qom-path"]?.stringValue ?? "") }) { return }
                try? await Task.sleep(for: .milliseconds(50))
            }
            throw VirError(.operationTimeout, "vcpu unplug request timed out. Unplug result must be manually inspected in the domain", domain: .qemu)
        }
    }

    /// Which of `domain`'s definitions a change applies to (``ModificationTargets``).
    private func targets(of domain: QEMUDomain, live: Bool, config: Bool) throws(VirError) -> ModificationTargets {
        try ModificationTargets(live: live, config: config, isActive: domain.isActive, isPersistent: domain.isPersistent)
    }
}
