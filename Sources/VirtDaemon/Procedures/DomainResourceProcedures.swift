import VirtCore
import VirtError
import VirtRPC
import XDR

/// The calls that resize and pin a domain: `setmem`, `setmaxmem`, `setvcpus`, `vcpupin`.
enum DomainResourceProcedures {
    static let handlers: [RemoteProcedure: ProcedureHandler] = [
        .domainSetMaxMemory: .action("virDomainSetMaxMemory") { (args: RemoteDomainSetMaxMemoryArgs, connection) throws(VirError) in
            try await connection.domain(args.dom).setMaxMemory(kib: args.memory)
        },
        .domainSetMemory: .action("virDomainSetMemory") { (args: RemoteDomainSetMemoryArgs, connection) throws(VirError) in
            try await connection.domain(args.dom).setMemory(kib: args.memory)
        },
        .domainSetMemoryFlags: .action("virDomainSetMemoryFlags") { (args: RemoteDomainSetMemoryFlagsArgs, connection) throws(VirError) in
            try await connection.domain(args.dom).setMemory(kib: args.memory, flags: MemoryFlags(rawValue: args.flags))
        },
        .domainSetVcpus: .action("virDomainSetVcpus") { (args: RemoteDomainSetVcpusArgs, connection) throws(VirError) in
            try await connection.domain(args.dom).setVcpus(args.nvcpus)
        },
        .domainSetVcpusFlags: .action("virDomainSetVcpusFlags") { (args: RemoteDomainSetVcpusFlagsArgs, connection) throws(VirError) in
            try await connection.domain(args.dom).setVcpus(args.nvcpus, flags: VcpuFlags(rawValue: args.flags))
        },
        .domainPinVcpu: .action("virDomainPinVcpu") { (args: RemoteDomainPinVcpuArgs, connection) throws(VirError) in
            try await connection.domain(args.dom).pinVcpu(args.vcpu, cpumap: CPUMap(bytes: args.cpumap))
        },
        .domainPinVcpuFlags: .action("virDomainPinVcpuFlags") { (args: RemoteDomainPinVcpuFlagsArgs, connection) throws(VirError) in
            try await connection.domain(args.dom).pinVcpu(args.vcpu, cpumap: CPUMap(bytes: args.cpumap), flags: ModificationImpact(rawValue: args.flags))
        },
    ]
}
