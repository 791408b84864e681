/// What `virDomainGetInfo` reports. Corresponds to `virDomainInfo`.
public struct DomainInfo: Sendable, Equatable {
    /// `state`
    public var state: DomainState
    /// `maxMem` in KiB.
    public var maxMemory: UInt64
    /// `memory` in KiB.
    public var memory: UInt64
    /// `nrVirtCpu`
    public var virtualCPUs: UInt16
    /// `cpuTime` in nanoseconds.
    public var cpuTime: UInt64

    /// Builds an info record.
    public init(state: DomainState, maxMemory: UInt64, memory: UInt64, virtualCPUs: UInt16, cpuTime: UInt64) {
        self.state = state
        self.maxMemory = maxMemory
        self.memory = memory
        self.virtualCPUs = virtualCPUs
        self.cpuTime = cpuTime
    }
}

/// A virtual CPU's state. Corresponds to `virVcpuState`.
public enum VcpuState: Int32, Sendable {
    /// `VIR_VCPU_OFFLINE`
    case offline = 0
    /// `VIR_VCPU_RUNNING`
    case running = 1
    /// `VIR_VCPU_BLOCKED`
    case blocked = 2
}

/// One virtual CPU, as `virDomainGetVcpus` reports it. Corresponds to `virVcpuInfo`
/// plus that vcpu's row of the cpumaps array.
public struct VcpuInfo: Sendable, Equatable {
    /// `number`
    public var number: UInt32
    /// `state`
    public var state: VcpuState
    /// `cpuTime` in nanoseconds.
    public var cpuTime: UInt64
    /// `cpu`: the host CPU it runs on, or -1 when offline.
    public var cpu: Int32
    /// The host CPUs it may run on (its cpumap row).
    public var affinity: CPUMap

    /// Builds a record.
    public init(number: UInt32, state: VcpuState, cpuTime: UInt64, cpu: Int32, affinity: CPUMap) {
        self.number = number
        self.state = state
        self.cpuTime = cpuTime
        self.cpu = cpu
        self.affinity = affinity
    }
}
