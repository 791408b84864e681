import Testing
import VirtError
@testable import VirtSystem

/// The v2 backend against a fake cgroupfs: the files a kernel would show, in a temp dir.
@Suite("cgroup v2 backend on a fake cgroupfs")
struct CgroupV2FakeTests {
    let scratch: CgroupScratch
    let manager: CgroupManager
    let all: Set<CgroupController> = Set(CgroupController.allCases)
    static let leaf = "swiftvirt/ctx-42"

    init() throws {
        scratch = try CgroupScratch()
        try scratch.make([
            "cg/cgroup.controllers": "cpuset cpu io memory hugetlb pids\n",
            "cg/cgroup.subtree_control": "",
            "cg/cgroup.procs": "1\n",
            "cg/swiftvirt/cgroup.controllers": "cpuset cpu io memory pids\n",
            "cg/swiftvirt/cgroup.subtree_control": "",
            "cg/\(Self.leaf)/cgroup.procs": "",
            "cg/\(Self.leaf)/cgroup.threads": "",
            "cg/\(Self.leaf)/cgroup.freeze": "0\n",
            "cg/\(Self.leaf)/cgroup.events": "populated 1\nfrozen 0\n",
            "cg/\(Self.leaf)/cgroup.kill": "",
            "cg/\(Self.leaf)/memory.max": "max\n",
            "cg/\(Self.leaf)/memory.current": "12345\n",
            "cg/\(Self.leaf)/memory.events": "low 0\nhigh 0\nmax 4\noom 3\noom_kill 2\noom_group_kill 0\n",
            "cg/\(Self.leaf)/cpu.weight": "100\n",
            "cg/\(Self.leaf)/cpu.max": "max 100000\n",
            "cg/\(Self.leaf)/cpu.stat": "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\n",
            "cg/\(Self.leaf)/cpuset.cpus": "",
            "cg/\(Self.leaf)/cpuset.mems": "",
            "cg/\(Self.leaf)/pids.max": "max\n",
            "cg/\(Self.leaf)/pids.current": "3\n",
            "cg/\(Self.leaf)/io.weight": "default 100\n",
        ])
        let mountinfo = try scratch.file("mountinfo", "26 1 0:23 / \(scratch.root)/cg rw - cgroup2 cgroup2 rw,nsdelegate\n")
        let procCgroups = try scratch.file("cgroups", CgroupParsingTests.procCgroupsV2)
        manager = CgroupManager(layout: try CgroupLayout.discover(mountInfoPath: mountinfo, procCgroupsPath: procCgroups))
    }

    func leaf(_ file: String) throws -> String { try scratch.read("cg/\(Self.leaf)/\(file)") }

    @Test func createEnablesControllersInEveryAncestorButNotTheLeaf() throws {
        let cgroup = try manager.create(CgroupPath(Self.leaf), controllers: all)
        #expect(try scratch.read("cg/cgroup.subtree_control") == "+io +cpu +cpuset +memory +pids")
        #expect(try scratch.read("cg/swiftvirt/cgroup.subtree_control") == "+io +cpu +cpuset +memory +pids")
        #expect(!scratch.exists("cg/\(Self.leaf)/cgroup.subtree_control"))
        #expect(cgroup.directories == [scratch.root + "/cg/" + Self.leaf])
        #expect(cgroup.controllers == all)
    }

    @Test func createWithOnlyCoreFeaturesWritesNoSubtreeControl() throws {
        _ = try manager.create(CgroupPath("swiftvirt/ctx-9"), controllers: [.freezer, .cpuacct, .devices])
        #expect(scratch.exists("cg/swiftvirt/ctx-9"))
        #expect(try scratch.read("cg/cgroup.subtree_control") == "")
        #expect(try scratch.read("cg/swiftvirt/cgroup.subtree_control") == "")
        #expect(throws: VirError.self) { _ = try manager.create(CgroupPath("swiftvirt/ctx-9"), controllers: [.freezer], exclusively: true) }
        #expect(scratch.exists("cg/swiftvirt/ctx-9"))
    }

    @Test func attachAndList() throws {
        let cgroup = try manager.create(CgroupPath(Self.leaf), controllers: all)
        #expect(cgroup.procsFiles == [scratch.root + "/cg/\(Self.leaf)/cgroup.procs"])
        try cgroup.attach(pid: 4242)
        #expect(try leaf("cgroup.procs") == "4242")
        #expect(try cgroup.processes() == [4242])
        #expect(cgroupError { try cgroup.attach(pid: -1) }?.code == .invalidArg)
        try scratch.make(["cg/\(Self.leaf)/cgroup.threads": "4242\n4243\n"])
        #expect(try cgroup.threads() == [4242, 4243])
    }

    @Test func memory() throws {
        let cgroup = try manager.cgroup(at: CgroupPath(Self.leaf), controllers: [.memory])
        try cgroup.setMemoryLimit(512 << 20)
        #expect(try leaf("memory.max") == "536870912")
        #expect(cgroupError { try cgroup.setMemoryLimit(0) }?.code == .invalidArg)
        #expect(cgroupError { try cgroup.setMemoryLimit(-5) }?.code == .invalidArg)
        #expect(try leaf("memory.max") == "536870912")
        try cgroup.setMemoryLimit(nil)
        #expect(try leaf("memory.max") == "max")
        #expect(try cgroup.memoryUsage() == 12345)
        #expect(try cgroup.oomKillCount() == 2)
    }

    @Test func cpu() throws {
        let cgroup = try manager.cgroup(at: CgroupPath(Self.leaf), controllers: [.cpu, .cpuacct])
        try cgroup.setCPUShares(1024)
        #expect(try leaf("cpu.weight") == "39")
        #expect(try cgroup.cpuShares() == 999)
        #expect(cgroupError { try cgroup.setCPUShares(1) }?.code == .invalidArg)
        #expect(try leaf("cpu.weight") == "39")
        try cgroup.setCPUQuota(50_000, period: 100_000)
        #expect(try leaf("cpu.max") == "50000 100000")
        try cgroup.setCPUQuota(nil, period: 20_000)
        #expect(try leaf("cpu.max") == "max 20000")
        #expect(cgroupError { try cgroup.setCPUQuota(10, period: 100_000) }?.code == .invalidArg)
        #expect(try leaf("cpu.max") == "max 20000")
        #expect(try cgroup.cpuUsageNanoseconds() == 1_500_000)
    }

    @Test func cpusetPidsAndIO() throws {
        let cgroup = try manager.cgroup(at: CgroupPath(Self.leaf), controllers: [.cpuset, .pids, .blkio])
        try cgroup.setCpuset(cpus: "0-1,3", mems: "0")
        #expect(try leaf("cpuset.cpus") == "0-1,3")
        #expect(try leaf("cpuset.mems") == "0")
        #expect(try cgroup.cpuset() == ("0-1,3", "0"))
        #expect(cgroupError { try cgroup.setCpuset(cpus: "2", mems: "1-0") }?.code == .invalidArg)
        #expect(try leaf("cpuset.cpus") == "0-1,3")
        try cgroup.setPidsLimit(100)
        #expect(try leaf("pids.max") == "100")
        try cgroup.setPidsLimit(nil)
        #expect(try leaf("pids.max") == "max")
        #expect(cgroupError { try cgroup.setPidsLimit(0) }?.code == .invalidArg)
        #expect(try cgroup.pidsCurrent() == 3)
        try cgroup.setBlkioWeight(500)
        #expect(try leaf("io.weight") == "default 500")
        #expect(cgroupError { try cgroup.setBlkioWeight(5) }?.code == .invalidArg)
    }

    @Test func blockDeviceTuneWritesIOWeightAndOneIOMaxLine() throws {
        try scratch.make(["cg/\(Self.leaf)/io.max": ""])
        let cgroup = try manager.cgroup(at: CgroupPath(Self.leaf), controllers: [.blkio])
        var tune = BlockDeviceTune(major: 8, minor: 16)
        tune.weight = 700
        tune.readBytesPerSecond = 1_048_576
        tune.writeIOPerSecond = 0
        try cgroup.setBlockDeviceTune(tune)
        #expect(try leaf("io.weight") == "8:16 700")
        #expect(try leaf("io.max") == "8:16 rbps=1048576 wiops=max")
    }

    @Test func devicesNeedEBPFAndAreUnsupported() throws {
        let cgroup = try manager.cgroup(at: CgroupPath(Self.leaf), controllers: [.devices])
        let error = cgroupError { try cgroup.denyAllDevices() }
        #expect(error?.code == .operationUnsupported)
        #expect(error?.message.contains("eBPF") == true)
    }

    @Test func missingControllerIsReported() throws {
        let cgroup = try manager.cgroup(at: CgroupPath(Self.leaf), controllers: [.pids])
        let error = cgroupError { try cgroup.setMemoryLimit(1 << 20) }
        #expect(error?.code == .operationUnsupported)
        #expect(error?.message.contains("'memory'") == true)
    }

    @Test func freezeWaitsForFrozenInCgroupEventsAndThawsWhenItTimesOut() throws {
        let cgroup = try manager.cgroup(at: CgroupPath(Self.leaf), controllers: [.freezer])
        #expect(try cgroup.freezerState() == .thawed)
        let timeout = cgroupError { try cgroup.freeze(timeout: .milliseconds(30)) }
        #expect(timeout?.code == .operationTimeout)
        #expect(try leaf("cgroup.freeze") == "0", "a freeze that times out is undone")
        #expect(try cgroup.freezerState() == .thawed)
        try scratch.make(["cg/\(Self.leaf)/cgroup.events": "populated 1\nfrozen 1\n"])
        try cgroup.freeze()
        #expect(try cgroup.freezerState() == .frozen)
        try cgroup.thaw()
        #expect(try leaf("cgroup.freeze") == "0")
        #expect(try cgroup.freezerState() == .thawed)
    }

    @Test func killAllWritesCgroupKill() throws {
        let cgroup = try manager.cgroup(at: CgroupPath(Self.leaf), controllers: [.memory])
        try cgroup.killAll()
        #expect(try leaf("cgroup.kill") == "1")
        #expect(try leaf("cgroup.freeze") == "0\n")
    }

    @Test func removeDeletesChildrenFirstAndKeepsTheParent() throws {
        try scratch.makeDirectory("cg/swiftvirt/ctx-7/sub/deeper")
        try scratch.makeDirectory("cg/swiftvirt/ctx-7/other")
        let cgroup = try manager.cgroup(at: CgroupPath("swiftvirt/ctx-7"), controllers: [.memory, .pids])
        try cgroup.remove()
        #expect(!scratch.exists("cg/swiftvirt/ctx-7"))
        #expect(scratch.exists("cg/swiftvirt"))
        try cgroup.remove()
    }

    @Test func removeReportsANonEmptyDirectoryAtOnce() throws {
        let cgroup = try manager.cgroup(at: CgroupPath(Self.leaf), controllers: [.memory])
        let error = cgroupError { try cgroup.remove(timeout: .seconds(10)) }
        #expect(error?.code == .systemError)
        #expect(error?.message.contains("cannot remove cgroup '\(scratch.root)/cg/\(Self.leaf)'") == true)
        #expect(error?.message.contains("Directory not empty") == true)
    }

    @Test func renameIsRefusedOnV2() throws {
        let cgroup = try manager.cgroup(at: CgroupPath(Self.leaf), controllers: [.memory])
        #expect { _ = try cgroup.rename(to: "ctx-43") } throws: { ($0 as? VirError)?.code == .operationUnsupported }
        #expect(scratch.exists("cg/\(Self.leaf)/memory.max"))
    }
}
