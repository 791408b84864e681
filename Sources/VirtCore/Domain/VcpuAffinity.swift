import VirtXML

extension DomainDefinition {
    /// Where vcpu `index` may run, as libvirt resolves it: its `<vcpupin>`, else
    /// `<vcpu cpuset>`, else every one of `hostCPUs`.
    public func vcpuAffinity(_ index: UInt32, hostCPUs: Int) -> CPUMap {
        if let pin = cputune.vcpuPins[index] {
            return pin.isEmpty ? CPUMap(cpus: hostCPUs) : (CPUMap.parse(pin) ?? CPUMap.all(hostCPUs))
        }
        if let cpuset = vcpu.cpuset, let map = CPUMap.parse(cpuset) { return map }
        return CPUMap.all(hostCPUs)
    }
}
