import Foundation
import SwiftVirt
import Testing

/// A container's vcpus as CPU capacity (its CPU quota) and placement (its cpuset), live and
/// in the config, and the host as `virNodeGetInfo` and `virNodeGetCPUMap` report it.
@Suite("lxc:///embed: vcpus, pinning and the host's CPUs", .enabled(if: canRunContainers, "needs root, namespaces and cgroups"), .serialized)
struct LXCVcpuTests {
    let hostCPUs = Int(sysconf(Int32(_SC_NPROCESSORS_CONF)))

    /// A definition with `vcpus` of which `current` online, running `sleep`.
    func xml(_ sandbox: LXCSandbox, _ name: String, vcpus: Int, current: Int) -> String {
        sandbox.xml(name).replacingOccurrences(of: "</os>", with: "</os><vcpu current='\(current)'>\(vcpus)</vcpu>")
    }

    /// A cgroup file of the domain's context, trimmed; nil when the cgroup does not exist.
    func cgroupValue(_ sandbox: LXCSandbox, _ domain: Domain, _ controller: String, _ file: String) async throws -> String? {
        let xid = try await sandbox.context(of: domain).xid
        return (try? String(contentsOfFile: "/sys/fs/cgroup/\(controller)/swiftvirt/ctx-\(xid)/\(file)", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The CFS quota `vcpus` online vcpus give on this host: none once they cover every CPU.
    func quota(of vcpus: Int) -> String { vcpus < hostCPUs ? "\(vcpus * 100_000)" : "-1" }

    @Test func theVcpuCountIsTheContainersCPUQuotaLiveAndInTheConfig() async throws {
        let sandbox = LXCSandbox()
        let connection = try await sandbox.open()
        let defined = try await connection.defineDomain(xml: xml(sandbox, "cap", vcpus: 2, current: 1))
        await expectError(.operationInvalid) { _ = try await defined.vcpus() }
        try await defined.create()
        let domain = try await connection.lookupDomain(name: "cap")  // with its id now
        #expect(try await cgroupValue(sandbox, domain, "cpu", "cpu.cfs_quota_us") == quota(of: 1))

        try await domain.setVcpus(2, flags: .live)
        #expect(try await cgroupValue(sandbox, domain, "cpu", "cpu.cfs_quota_us") == quota(of: 2))
        #expect(try await domain.vcpuCount(flags: .live) == 2)
        #expect(try await domain.vcpuCount(flags: .config) == 1, "a live change leaves the config alone")
        #expect(try await domain.vcpus().map(\.number) == [0, 1])

        await expectError(.invalidArg) { try await domain.setVcpus(3, flags: .live) }
        #expect(try await cgroupValue(sandbox, domain, "cpu", "cpu.cfs_quota_us") == quota(of: 2), "a refused change changes nothing")
        try await domain.setVcpus(4, flags: [.config, .maximum])
        try await domain.setVcpus(3, flags: .config)
        #expect(try await domain.vcpuCount(flags: [.config, .maximum]) == 4)
        #expect(try await domain.vcpuCount(flags: [.live, .maximum]) == 2)
        await connection.close()

        let adopting = try await sandbox.open()
        let adopted = try await adopting.lookupDomain(name: "cap")
        #expect(try await adopted.vcpuCount(flags: .live) == 2, "the live count survives the process")
        try await adopted.destroy()
        #expect(try await adopted.vcpuCount() == 3, "the config takes over when it stops")
        await expectError(.operationInvalid) { try await adopted.setVcpus(1, flags: .live) }

        let transient = try await adopting.createDomain(xml: xml(sandbox, "gone", vcpus: 1, current: 1))
        await expectError(.operationInvalid) { try await transient.setVcpus(1, flags: .config) }
        try await transient.destroy()
    }

    @Test(.enabled(if: Int(sysconf(Int32(_SC_NPROCESSORS_CONF))) >= 2, "pinning needs two host CPUs"))
    func pinningVcpusMovesTheContainersCpuset() async throws {
        let sandbox = LXCSandbox()
        let connection = try await sandbox.open()
        let domain = try await connection.createDomain(xml: xml(sandbox, "pinned", vcpus: 2, current: 2))
        let everyCPU = CPUMap.all(hostCPUs)
        #expect(try await domain.vcpuPinInfo() == [everyCPU, everyCPU])
        #expect(try await cgroupValue(sandbox, domain, "cpuset", "cpuset.cpus") == nil, "no cpuset cgroup while nothing is pinned")

        var last = CPUMap(cpus: hostCPUs)
        last.use(hostCPUs - 1)
        try await domain.pinVcpu(0, cpumap: last)
        #expect(try await cgroupValue(sandbox, domain, "cpuset", "cpuset.cpus") == nil, "vcpu 1 may still run anywhere")
        try await domain.pinVcpu(1, cpumap: last)
        #expect(try await cgroupValue(sandbox, domain, "cpuset", "cpuset.cpus") == "\(hostCPUs - 1)")
        let status = try String(contentsOfFile: "/proc/\(domain.id)/status", encoding: .utf8)
        #expect(status.contains("Cpus_allowed_list:\t\(hostCPUs - 1)\n"), "the init moved into the cpuset")
        let vcpus = try await domain.vcpus()
        #expect(vcpus.allSatisfy { $0.cpu == Int32(hostCPUs - 1) && $0.affinity.cpus == [hostCPUs - 1] && $0.state == .running })
        #expect(try await domain.definition().cputune.vcpuPins == [0: "\(hostCPUs - 1)", 1: "\(hostCPUs - 1)"])

        var beyond = CPUMap(cpus: hostCPUs + 8)
        beyond.use(hostCPUs + 7)
        await expectError(.invalidArg) { try await domain.pinVcpu(0, cpumap: beyond) }
        await expectError(.invalidArg) { try await domain.pinVcpu(2, cpumap: last) }
        await expectError(.operationInvalid) { try await domain.pinVcpu(0, cpumap: last, flags: .config) }
        #expect(try await cgroupValue(sandbox, domain, "cpuset", "cpuset.cpus") == "\(hostCPUs - 1)")

        try await domain.pinVcpu(1, cpumap: everyCPU)
        #expect(try await cgroupValue(sandbox, domain, "cpuset", "cpuset.cpus") == "0-\(hostCPUs - 1)", "unpinned again: every CPU")
        let xid = try await sandbox.context(of: domain).xid
        try await domain.destroy()
        #expect(!FileManager.default.fileExists(atPath: "/sys/fs/cgroup/cpuset/swiftvirt/ctx-\(xid)"), "the added cpuset cgroup is removed")
    }

    @Test func theHostIsReportedAsTheKernelSeesIt() async throws {
        let sandbox = LXCSandbox()
        let connection = try await sandbox.open()
        let info = try await connection.nodeInfo()
        let meminfo = try String(contentsOfFile: "/proc/meminfo", encoding: .utf8)
        let total = meminfo.split(separator: "\n").first { $0.hasPrefix("MemTotal:") }?.split(separator: " ")[1]
        #expect(info.memory == UInt64(total ?? "") && Int(info.cpus) == sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        #expect(info.maximumCPUs == Int(info.cpus) && info.mhz > 0)
        var names = utsname()
        uname(&names)
        #expect(info.model == withUnsafeBytes(of: &names.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) })
        let map = try await connection.nodeCPUMap()
        #expect(map.cpus == hostCPUs && map.online.cpus.count == Int(info.cpus))
    }
}
