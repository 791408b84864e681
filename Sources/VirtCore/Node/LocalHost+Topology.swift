import VirtError
import VirtSystem

#if canImport(Glibc)
import Glibc
#endif

extension LocalHost {
    /// The host CPUs as `virNodeGetCPUMap` reports them for local drivers: how many exist
    /// (`/sys/devices/system/cpu/present`) and which are online.
    public static func cpuMap() throws(VirError) -> (cpus: Int, online: CPUMap) {
        let present = try cpuList("present")
        let online = try cpuList("online")
        let count = (present.cpus.last ?? 0) + 1
        return (count, online.resized(to: CPUMap.length(forCPUs: count)))
    }

    /// The host as `virNodeGetInfo` reports it for local drivers: the machine's architecture,
    /// MemTotal, the online CPUs, the first CPU's frequency (rounded as libvirt rounds it),
    /// and the NUMA/socket/core/thread topology from sysfs. A topology that does not multiply
    /// up to the online CPUs is reported flat (one node, one socket, a core per CPU), as
    /// libvirt falls back.
    public static func nodeInfo() throws(VirError) -> NodeInfo {
        var names = utsname()
        uname(&names)
        let machine = withUnsafeBytes(of: &names.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let online = try cpuList("online").cpus
        let count = UInt32(online.count)
        var nodes = UInt32(max(numaNodes(), 1))
        let packages = UInt32(Set(online.map { topology($0, "physical_package_id") }).count)
        let cores = UInt32(Set(online.map { "\(topology($0, "physical_package_id")):\(topology($0, "core_id"))" }).count)
        var sockets = max(packages / nodes, 1)
        var coresPerSocket = max(cores / (sockets * nodes), 1)
        var threads = max(count / (nodes * sockets * coresPerSocket), 1)
        if nodes * sockets * coresPerSocket * threads != count {
            (nodes, sockets, coresPerSocket, threads) = (1, 1, count, 1)
        }
        return NodeInfo(model: String(machine.prefix(31)), memory: memoryInfoKiB("MemTotal"), cpus: count, mhz: cpuMegahertz(),
                        nodes: nodes, sockets: sockets, cores: coresPerSocket, threads: threads)
    }

    /// A `/sys/devices/system/cpu` range file as CPU numbers.
    private static func cpuList(_ name: String) throws(VirError) -> CPUMap {
        let text = try SystemFile.readLine("/sys/devices/system/cpu/" + name)
        guard let map = CPUMap.parse(text) else {
            throw VirError(.internalError, "cannot parse /sys/devices/system/cpu/\(name): '\(text)'", domain: .none)
        }
        return map
    }

    /// A topology value of CPU `cpu`, or -1 when sysfs does not show it.
    private static func topology(_ cpu: Int, _ name: String) -> Int {
        (try? SystemFile.readLine("/sys/devices/system/cpu/cpu\(cpu)/topology/\(name)")).flatMap { Int($0) } ?? -1
    }

    /// How many NUMA nodes sysfs lists (0 without NUMA support).
    private static func numaNodes() -> Int {
        guard let text = try? SystemFile.readLine("/sys/devices/system/node/online"), let map = CPUMap.parse(text) else { return 0 }
        return map.cpus.count
    }

    /// A field of /proc/meminfo ("MemTotal", "MemAvailable", ...) in KiB; 0 when absent.
    public static func memoryInfoKiB(_ field: String) -> UInt64 {
        let text = (try? SystemFile.read("/proc/meminfo")) ?? ""
        let line = text.split(separator: "\n").first { $0.hasPrefix(field + ":") }
        return line.flatMap { UInt64($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
    }

    /// The first "cpu MHz" of /proc/cpuinfo, rounded half up, as libvirt's
    /// `virHostCPUParseFrequencyString` rounds it; 0 when absent.
    private static func cpuMegahertz() -> UInt32 {
        let text = (try? SystemFile.read("/proc/cpuinfo")) ?? ""
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("cpu MHz") }),
              let value = line.split(separator: ":").last.flatMap({ Double(String($0.filter { $0 != " " && $0 != "\t" })) }) else { return 0 }
        return UInt32((value + 0.5).rounded(.down))
    }
}
