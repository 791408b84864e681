import Testing
import VirtError
@testable import VirtSystem

/// The exact files the v1 backend writes, against a fake v1 layout with separate hierarchies.
@Suite("cgroup v1 backend on a fake cgroupfs")
struct CgroupV1FakeTests {
    let scratch: CgroupScratch
    let manager: CgroupManager

    init() throws {
        scratch = try CgroupScratch()
        var files: [String: String] = [
            "cpuset/cpuset.cpus": "0-3\n", "cpuset/cpuset.mems": "0\n",
            "cpuset/sv/cpuset.cpus": "0-3\n", "cpuset/sv/cpuset.mems": "0\n",
            "cpuset/sv/c1/cpuset.cpus": "\n", "cpuset/sv/c1/cpuset.mems": "\n",
            "memory/sv/c1/memory.limit_in_bytes": "", "memory/sv/c1/memory.usage_in_bytes": "4096\n",
            "memory/sv/c1/memory.oom_control": "oom_kill_disable 0\nunder_oom 0\noom_kill 7\n",
            "cpu/sv/c1/cpu.shares": "1024\n", "cpu/sv/c1/cpu.cfs_period_us": "", "cpu/sv/c1/cpu.cfs_quota_us": "",
            "cpuacct/sv/c1/cpuacct.usage": "987654321\n",
            "devices/sv/c1/devices.allow": "", "devices/sv/c1/devices.deny": "",
            "freezer/sv/c1/freezer.state": "THAWED\n",
            "blkio/sv/c1/blkio.bfq.weight": "",
            "pids/sv/c1/pids.max": "",
        ]
        for controller in CgroupController.allCases { files["\(controller.rawValue)/sv/c1/cgroup.procs"] = "" }
        try scratch.make(files)
        let mountinfo = CgroupParsingTests.v1Mounts(scratch.root)
        manager = CgroupManager(layout: CgroupLayout(mounts: CgroupMount.parse(mountInfo: mountinfo),
                                                     subsystems: CgroupSubsystem.parse(procCgroups: CgroupParsingTests.procCgroupsV1)))
    }

    func file(_ controller: CgroupController, _ name: String) throws -> String {
        try scratch.read("\(controller.rawValue)/sv/c1/\(name)")
    }

    @Test func createCopiesEmptyCpusetsFromTheParent() throws {
        let cgroup = try manager.create(CgroupPath("sv/c1"), controllers: Set(CgroupController.allCases))
        #expect(try file(.cpuset, "cpuset.cpus") == "0-3")
        #expect(try file(.cpuset, "cpuset.mems") == "0")
        #expect(cgroup.procsFiles == CgroupController.allCases.sorted().map { "\(scratch.root)/\($0.rawValue)/sv/c1/cgroup.procs" })
        try cgroup.attach(pid: 77)
        for controller in CgroupController.allCases { #expect(try file(controller, "cgroup.procs") == "77") }
    }

    @Test func anExclusiveCreationRefusesAnExistingCgroupAndLeavesNothingOfItsOwn() throws {
        // sv/c1 exists in every hierarchy; sv/c2 nowhere.
        #expect(try manager.create(CgroupPath("sv/c2"), controllers: [.memory, .freezer], exclusively: true).directories.count == 2)
        #expect(scratch.exists("memory/sv/c2") && scratch.exists("freezer/sv/c2"))
        do {
            _ = try manager.create(CgroupPath("sv/c1"), controllers: [.memory], exclusively: true)
            Issue.record("an existing cgroup was taken")
        } catch {
            #expect(error.code == .operationInvalid)
        }
        // Partly there, whichever hierarchy comes first: the one where it was new is cleaned
        // up again, the one where it was there stays.
        for (missing, present) in [("freezer", "memory"), ("memory", "freezer")] {
            #expect(CgroupFile.removeDirectory(scratch.root + "/\(missing)/sv/c2"))
            #expect(throws: VirError.self) { _ = try manager.create(CgroupPath("sv/c2"), controllers: [.memory, .freezer], exclusively: true) }
            #expect(scratch.exists("\(present)/sv/c2") && !scratch.exists("\(missing)/sv/c2"))
            _ = try manager.create(CgroupPath("sv/c2"), controllers: [.memory, .freezer])
        }
        // Not exclusive: reused.
        #expect(throws: Never.self) { _ = try manager.create(CgroupPath("sv/c1"), controllers: [.memory]) }
    }

    @Test func writesV1Formats() throws {
        let cgroup = try manager.cgroup(at: CgroupPath("sv/c1"), controllers: Set(CgroupController.allCases))
        try cgroup.setMemoryLimit(1 << 30)
        #expect(try file(.memory, "memory.limit_in_bytes") == "1073741824")
        try cgroup.setMemoryLimit(nil)
        #expect(try file(.memory, "memory.limit_in_bytes") == "-1")
        #expect(try cgroup.memoryUsage() == 4096)
        #expect(try cgroup.oomKillCount() == 7)
        try cgroup.setCPUShares(512)
        #expect(try file(.cpu, "cpu.shares") == "512")
        try cgroup.setCPUQuota(25_000, period: 50_000)
        #expect(try file(.cpu, "cpu.cfs_period_us") == "50000")
        #expect(try file(.cpu, "cpu.cfs_quota_us") == "25000")
        try cgroup.setCPUQuota(nil)
        #expect(try file(.cpu, "cpu.cfs_quota_us") == "-1")
        #expect(try cgroup.cpuUsageNanoseconds() == 987_654_321)
        try cgroup.denyAllDevices()
        #expect(try file(.devices, "devices.deny") == "a")
        try cgroup.allowDevice(DeviceRule(.char, major: 1, minor: 3, access: "rwm"))
        #expect(try file(.devices, "devices.allow") == "c 1:3 rwm")
        try cgroup.setBlkioWeight(300)
        #expect(try file(.blkio, "blkio.bfq.weight") == "300")
        try cgroup.setPidsLimit(64)
        #expect(try file(.pids, "pids.max") == "64")
    }

    @Test func freezerStates() throws {
        let cgroup = try manager.cgroup(at: CgroupPath("sv/c1"), controllers: [.freezer])
        #expect(try cgroup.freezerState() == .thawed)
        try cgroup.freeze(timeout: .milliseconds(20))
        #expect(try file(.freezer, "freezer.state") == "FROZEN")
        #expect(try cgroup.freezerState() == .frozen)
        try cgroup.thaw()
        #expect(try file(.freezer, "freezer.state") == "THAWED")
        try scratch.make(["freezer/sv/c1/freezer.state": "FREEZING\n"])
        #expect(try cgroup.freezerState() == .freezing)
    }

    @Test func blkioWithoutWeightFilesIsUnsupported() throws {
        let cgroup = try manager.cgroup(at: CgroupPath("sv/c2"), controllers: [.blkio])
        try scratch.makeDirectory("blkio/sv/c2")
        let error = cgroupError { try cgroup.setBlkioWeight(300) }
        #expect(error?.code == .operationUnsupported)
        #expect(error?.message.contains("blkio.weight, blkio.bfq.weight") == true)
    }

    @Test func blockDeviceTuneWritesTheWeightAndEachThrottleFile() throws {
        let throttles = ["read_bps", "write_bps", "read_iops", "write_iops"].map { "blkio.throttle.\($0)_device" }
        try scratch.make(Dictionary(uniqueKeysWithValues: (throttles + ["blkio.bfq.weight_device"]).map { ("blkio/sv/c1/\($0)", "") }))
        let cgroup = try manager.cgroup(at: CgroupPath("sv/c1"), controllers: [.blkio])
        var tune = BlockDeviceTune(major: 254, minor: 0)
        tune.weight = 200
        tune.writeBytesPerSecond = 4096
        tune.readIOPerSecond = 50
        try cgroup.setBlockDeviceTune(tune)
        #expect(try file(.blkio, "blkio.bfq.weight_device") == "254:0 200")
        #expect(try file(.blkio, "blkio.throttle.write_bps_device") == "254:0 4096")
        #expect(try file(.blkio, "blkio.throttle.read_iops_device") == "254:0 50")
        #expect(try file(.blkio, "blkio.throttle.read_bps_device") == "")  // unset throttles are not touched
    }

    @Test func blockDeviceTuneNeedsABlockDevice() throws {
        let missing = try #require(throws: VirError.self) { try BlockDeviceTune(devicePath: "/dev/nonexistent-swiftvirt") }
        #expect(missing.code == .systemError)
        #expect(missing.message == "Path '/dev/nonexistent-swiftvirt' is not accessible: No such file or directory")
        let character = try #require(throws: VirError.self) { try BlockDeviceTune(devicePath: "/dev/null") }
        #expect(character.message == "Path '/dev/null' must be a block device: Invalid argument")
    }

    @Test func killAllWithoutFreezerIsUnsupported() throws {
        let cgroup = try manager.cgroup(at: CgroupPath("sv/c1"), controllers: [.memory])
        #expect(cgroupError { try cgroup.killAll() }?.code == .operationUnsupported)
    }

    @Test func renameMovesTheCgroupInEveryHierarchy() throws {
        let controllers: Set<CgroupController> = [.memory, .pids, .freezer]
        let renamed = try manager.cgroup(at: CgroupPath("sv/c1"), controllers: controllers).rename(to: "c2")
        #expect(renamed.path == (try CgroupPath("sv/c2")))
        #expect(try renamed.memoryUsage() == 4096)
        for controller in controllers {
            #expect(scratch.exists("\(controller.rawValue)/sv/c2/cgroup.procs"))
            #expect(!scratch.exists("\(controller.rawValue)/sv/c1"))
        }
    }

    @Test func renameOntoAnExistingCgroupOrToABadNameChangesNothing() throws {
        try scratch.make(["freezer/sv/taken/cgroup.procs": ""])  // cgroupfs refuses any existing name
        let cgroup = try manager.cgroup(at: CgroupPath("sv/c1"), controllers: [.memory, .freezer])
        // freezer sorts after memory: memory is renamed first, then renamed back.
        #expect(throws: VirError.self) { _ = try cgroup.rename(to: "taken") }
        #expect(scratch.exists("memory/sv/c1/memory.usage_in_bytes") && !scratch.exists("memory/sv/taken"))
        #expect(scratch.exists("freezer/sv/c1/freezer.state"))
        for name in ["", "a/b", "..", "x\ny"] {
            #expect(throws: VirError.self) { _ = try cgroup.rename(to: name) }
        }
        #expect(throws: VirError.self) { _ = try manager.cgroup(at: .root, controllers: [.memory]).rename(to: "x") }
        #expect(scratch.exists("memory/sv/c1/memory.usage_in_bytes"))
    }
}
