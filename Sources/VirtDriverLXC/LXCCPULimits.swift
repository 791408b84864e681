import VirtCore
import VirtError
import VirtSystem
import VirtXML

/// The host's CPUs: how many exist (`virNodeGetCPUMap`'s count), and which are online.
typealias HostCPUs = (cpus: Int, online: CPUMap)

/// What a container's definition allows it of the host's CPUs, for its cpu and cpuset
/// cgroups.
///
/// A container has no vcpu threads; its vcpus are CPU capacity. `<vcpu current>` N caps it
/// at N CPUs' worth of time (a CFS quota of N periods) while the host has more than N, unless
/// `<cputune><quota>` sets the quota itself. Vcpu I may run where libvirt places it
/// (``VirtCore/DomainDefinition/vcpuAffinity(_:hostCPUs:)``), so the container may run on
/// the union of its online vcpus' CPUs.
struct LXCCPULimits: Equatable {
    /// The cpuset's CPUs, or nil when every host CPU is allowed.
    var cpus: String?
    /// CPU time per period in microseconds, or nil for no limit.
    var quota: UInt64?
    /// The CFS period in microseconds.
    var period: UInt64

    /// The limits of `definition` on a host of `hostCPUs` CPUs.
    init(_ definition: DomainDefinition, hostCPUs: Int) {
        let vcpus = max(definition.vcpu.current, 1)
        var allowed = CPUMap(cpus: hostCPUs)
        for index in 0..<vcpus {
            for cpu in definition.vcpuAffinity(index, hostCPUs: hostCPUs).cpus { allowed.use(cpu) }
        }
        let everyCPU = (0..<hostCPUs).allSatisfy(allowed.isUsable)
        cpus = everyCPU ? nil : allowed.description
        period = definition.cputune.period ?? 100_000
        if let quota = definition.cputune.quota, quota > 0 {
            self.quota = UInt64(quota)
        } else {
            quota = Int(vcpus) < hostCPUs ? UInt64(vcpus) * period : nil
        }
    }

    /// Writes the quota to the container's cpu cgroup.
    func applyQuota(to cgroup: Cgroup) throws(VirError) {
        try cgroup.setCPUQuota(quota, period: period)
    }

    /// Writes the CPUs to the container's cpuset cgroup (every `online` CPU when nil).
    func applyCPUs(to cgroup: Cgroup, online: CPUMap) throws(VirError) {
        try cgroup.setCpuset(cpus: cpus ?? online.description, mems: nil)
    }
}
