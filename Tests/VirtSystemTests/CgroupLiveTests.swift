import Foundation
import Testing
import VirtError
@testable import VirtSystem

/// Real cgroups on this host: v1 controllers, and the (controller-less) cgroup2 mount of a
/// hybrid host. Everything created is removed in a `defer`, also when an expectation fails.
@Suite("cgroups on the live kernel", .serialized)
struct CgroupLiveTests {
    static let allV1: Set<CgroupController> = [.cpu, .cpuacct, .cpuset, .memory, .devices, .freezer, .blkio, .pids]

    @Test(.enabled(if: cgroupTestIsRoot("/sys/fs/cgroup/memory/memory.limit_in_bytes")
                      && cgroupTestIsRoot("/sys/fs/cgroup/freezer/tasks"),
                   "needs root and cgroup v1 controllers"))
    func v1Lifecycle() throws {
        let manager = CgroupManager(layout: try CgroupLayout.discover())
        let controllers = Self.allV1.filter { manager.layout.placements[$0]?.version == .v1 }
        try withTestCgroup(manager, controllers) { cgroup, path, sleeper in
            try cgroup.setMemoryLimit(64 << 20)
            #expect(try CgroupFile.readLine(cgroup.member(.memory).directory + "/memory.limit_in_bytes") == "67108864")
            #expect(cgroupError { try cgroup.setMemoryLimit(0) }?.code == .invalidArg)
            try cgroup.setCpuset(cpus: "0", mems: "0")
            #expect(try cgroup.cpuset() == ("0", "0"))
            try cgroup.setCPUShares(512)
            #expect(try cgroup.cpuShares() == 512)
            try cgroup.setCPUQuota(50_000, period: 100_000)
            try cgroup.setPidsLimit(16)
            try cgroup.denyAllDevices()
            try cgroup.allowDevice(DeviceRule(.char, major: 1, minor: 3, access: "rwm"))
            let deviceList = try CgroupFile.read(cgroup.member(.devices).directory + "/devices.list")
            #expect(deviceList == "c 1:3 rwm\n")

            try cgroup.attach(pid: sleeper.pid)
            #expect(try cgroup.processes() == [sleeper.pid])
            #expect(try cgroup.threads() == [sleeper.pid])
            #expect(try cgroup.pidsCurrent() == 1)
            for controller in controllers {
                #expect(try manager.path(ofProcess: sleeper.pid, controller: controller) == path, "\(controller)")
            }
            _ = try cgroup.memoryUsage()
            _ = try cgroup.cpuUsageNanoseconds()
            #expect(try cgroup.oomKillCount() == 0)

            try cgroup.freeze()
            #expect(try cgroup.freezerState() == .frozen)
            #expect(try Self.schedulerState(of: sleeper.pid) == "D")
            try cgroup.thaw()
            #expect(try cgroup.freezerState() == .thawed)

            try cgroup.killAll()
            sleeper.process.waitUntilExit()
            #expect(sleeper.process.terminationReason == .uncaughtSignal)
            #expect(sleeper.process.terminationStatus == SIGKILL)
            #expect(try cgroup.freezerState() == .thawed)
            try cgroup.remove()
            #expect(!FileManager.default.fileExists(atPath: cgroup.directories[0]))
        }
    }

    @Test(.enabled(if: cgroupTestIsRoot("/sys/fs/cgroup/unified/cgroup.controllers"),
                   "needs root and a cgroup2 mount at /sys/fs/cgroup/unified"))
    func v2UnifiedWithoutControllers() throws {
        let scratch = try CgroupScratch()
        let mountinfo = try scratch.file("mountinfo", "41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n")
        let procCgroups = try scratch.file("cgroups", "#subsys_name\thierarchy\tnum_cgroups\tenabled\n")
        let manager = CgroupManager(layout: try CgroupLayout.discover(mountInfoPath: mountinfo, procCgroupsPath: procCgroups))
        try withTestCgroup(manager, [.freezer, .cpuacct]) { cgroup, path, sleeper in
            #expect(cgroup.directories == ["/sys/fs/cgroup/unified/\(path)"])

            try cgroup.attach(pid: sleeper.pid)
            #expect(try cgroup.processes() == [sleeper.pid])
            #expect(try cgroup.threads() == [sleeper.pid])
            #expect(try manager.path(ofProcess: sleeper.pid, controller: .freezer) == path)
            _ = try cgroup.cpuUsageNanoseconds()

            try cgroup.freeze()
            #expect(try cgroup.freezerState() == .frozen)
            try cgroup.thaw()
            #expect(try cgroup.freezerState() == .thawed)

            try cgroup.killAll()
            sleeper.process.waitUntilExit()
            #expect(sleeper.process.terminationStatus == SIGKILL)
            try cgroup.remove()
            #expect(!FileManager.default.fileExists(atPath: cgroup.directories[0]))
        }
    }

    /// The state letter of `/proc/PID/stat` (field 3).
    static func schedulerState(of pid: Int32) throws -> String {
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        return String(stat[stat.range(of: ") ")!.upperBound...].prefix(1))
    }
}
