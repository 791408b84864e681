/// The host as `virNodeGetInfo` describes it. Corresponds to `virNodeInfo`.
public struct NodeInfo: Sendable, Equatable {
    /// `model`: the CPU model (at most 31 bytes on the wire).
    public var model: String
    /// `memory` in KiB.
    public var memory: UInt64
    /// `cpus`: active CPUs.
    public var cpus: UInt32
    /// `mhz`: expected CPU frequency.
    public var mhz: UInt32
    /// `nodes`: NUMA cells, 1 for uniform memory access.
    public var nodes: UInt32
    /// `sockets` per node.
    public var sockets: UInt32
    /// `cores` per socket.
    public var cores: UInt32
    /// `threads` per core.
    public var threads: UInt32

    /// Builds a record.
    public init(model: String, memory: UInt64, cpus: UInt32, mhz: UInt32, nodes: UInt32, sockets: UInt32, cores: UInt32, threads: UInt32) {
        self.model = model
        self.memory = memory
        self.cpus = cpus
        self.mhz = mhz
        self.nodes = nodes
        self.sockets = sockets
        self.cores = cores
        self.threads = threads
    }

    /// `VIR_NODEINFO_MAXCPUS`: every CPU the topology can hold, active or not.
    public var maximumCPUs: Int { Int(nodes * sockets * cores * threads) }
}

/// The host's security model. Corresponds to `virSecurityModel` (`virNodeGetSecurityModel`).
public struct SecurityModel: Sendable, Equatable {
    /// `model`, e.g. `selinux`, `dac`, or empty when none.
    public var model: String
    /// `doi`: the domain of interpretation.
    public var doi: String
    /// Builds a record.
    public init(model: String, doi: String) {
        self.model = model
        self.doi = doi
    }
}

/// A domain's runtime security label. Corresponds to `virSecurityLabel` (`virDomainGetSecurityLabel`).
public struct DomainSecurityLabel: Sendable, Equatable {
    /// `label`
    public var label: String
    /// `enforcing`
    public var enforcing: Bool
    /// Builds a record.
    public init(label: String, enforcing: Bool) {
        self.label = label
        self.enforcing = enforcing
    }
}
