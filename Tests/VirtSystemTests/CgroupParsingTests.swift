import Testing
import VirtError
@testable import VirtSystem

@Suite("cgroup discovery and parsing")
struct CgroupParsingTests {
    static let procCgroupsV1 = """
        #subsys_name\thierarchy\tnum_cgroups\tenabled
        cpuset\t3\t1\t1
        cpu\t1\t1\t1
        cpuacct\t2\t1\t1
        blkio\t7\t1\t1
        memory\t4\t24\t1
        devices\t5\t1\t1
        freezer\t6\t1\t1
        net_cls\t0\t1\t1
        hugetlb\t0\t1\t1
        pids\t8\t1\t1
        """

    static let procCgroupsV2 = """
        #subsys_name\thierarchy\tnum_cgroups\tenabled
        cpuset\t0\t80\t1
        cpu\t0\t80\t1
        cpuacct\t0\t80\t1
        blkio\t0\t80\t1
        memory\t0\t80\t1
        devices\t0\t80\t1
        freezer\t0\t80\t1
        pids\t0\t80\t1
        """

    /// The v1 lines of this machine's mountinfo, below `base`; `cpu` and `cpuacct` are separate.
    static func v1Mounts(_ base: String) -> String {
        """
        31 23 0:28 / \(base) rw,relatime - tmpfs tmpfs rw,mode=755
        32 31 0:29 / \(base)/cpu rw,relatime - cgroup cgroup rw,cpu
        33 31 0:30 / \(base)/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
        34 31 0:31 / \(base)/cpuset rw,relatime - cgroup cgroup rw,cpuset
        35 31 0:32 / \(base)/memory rw,relatime shared:5 - cgroup cgroup rw,memory
        36 31 0:33 / \(base)/devices rw,relatime - cgroup cgroup rw,devices
        37 31 0:34 / \(base)/freezer rw,relatime - cgroup cgroup rw,freezer
        38 31 0:35 / \(base)/blkio rw,relatime - cgroup cgroup rw,blkio
        39 31 0:36 / \(base)/pids rw,relatime - cgroup cgroup rw,pids
        40 31 0:37 / \(base)/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd

        """
    }

    @Test func mountinfoKeepsCgroupMountsAndDecodesEscapes() {
        let text = """
            22 1 8:1 / / rw - ext4 /dev/sda1 rw
            32 31 0:29 /docker/abc /sys/fs/cgroup/cpu\\040x rw,relatime master:7 - cgroup cgroup rw,cpu,cpuacct
            41 31 0:38 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate
            garbage line
            """
        let mounts = CgroupMount.parse(mountInfo: text)
        #expect(mounts == [
            CgroupMount(root: "/docker/abc", mountPoint: "/sys/fs/cgroup/cpu x", fsType: "cgroup", superOptions: ["rw", "cpu", "cpuacct"]),
            CgroupMount(root: "/", mountPoint: "/sys/fs/cgroup", fsType: "cgroup2", superOptions: ["rw", "nsdelegate"]),
        ])
    }

    @Test func procCgroupsRows() {
        let rows = CgroupSubsystem.parse(procCgroups: Self.procCgroupsV1 + "\nrdma\t0\t1\t0")
        #expect(rows.count == 11)
        #expect(rows.first == CgroupSubsystem(name: "cpuset", hierarchyID: 3, enabled: true))
        #expect(rows.last == CgroupSubsystem(name: "rdma", hierarchyID: 0, enabled: false))
    }

    @Test func pureV1PlacesEveryControllerOnItsOwnHierarchy() throws {
        let scratch = try CgroupScratch()
        let layout = try CgroupLayout.discover(mountInfoPath: scratch.file("mountinfo", Self.v1Mounts("/sys/fs/cgroup")),
                                               procCgroupsPath: scratch.file("cgroups", Self.procCgroupsV1))
        #expect(layout.unified == nil)
        for controller in CgroupController.allCases {
            #expect(layout.placements[controller] == CgroupHierarchy(
                version: .v1, mountPoint: "/sys/fs/cgroup/\(controller.rawValue)", controllers: [controller.rawValue]))
        }
    }

    @Test func comountedV1ControllersShareOneHierarchy() {
        let mounts = CgroupMount.parse(mountInfo: "32 31 0:29 / /cg/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct,clone_children")
        let layout = CgroupLayout(mounts: mounts, subsystems: CgroupSubsystem.parse(procCgroups: Self.procCgroupsV1))
        let hierarchy = CgroupHierarchy(version: .v1, mountPoint: "/cg/cpu,cpuacct", controllers: ["cpu", "cpuacct"])
        #expect(layout.placements == [.cpu: hierarchy, .cpuacct: hierarchy])
    }

    @Test func hybridWithAnEmptyUnifiedHierarchyKeepsEveryControllerOnV1() throws {
        let scratch = try CgroupScratch()
        try scratch.make(["unified/cgroup.controllers": "hugetlb\n"])
        let mountinfo = Self.v1Mounts("/sys/fs/cgroup")
            + "41 31 0:38 / \(scratch.root)/unified rw,relatime - cgroup2 cgroup2 rw\n"
        let layout = try CgroupLayout.discover(mountInfoPath: scratch.file("mountinfo", mountinfo),
                                               procCgroupsPath: scratch.file("cgroups", Self.procCgroupsV1))
        #expect(layout.unified == CgroupHierarchy(version: .v2, mountPoint: scratch.root + "/unified", controllers: ["hugetlb"]))
        #expect(Set(layout.placements.keys) == Set(CgroupController.allCases))
        #expect(layout.placements.values.allSatisfy { $0.version == .v1 })
    }

    @Test func hybridWithoutV1FreezerUsesTheV2CoreFreezer() throws {
        let scratch = try CgroupScratch()
        try scratch.make(["unified/cgroup.controllers": ""])
        let mountinfo = "35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
            + "41 31 0:38 / \(scratch.root)/unified rw - cgroup2 cgroup2 rw\n"
        let layout = CgroupLayout(mounts: CgroupMount.parse(mountInfo: mountinfo),
                                  subsystems: CgroupSubsystem.parse(procCgroups: Self.procCgroupsV1))
        #expect(layout.placements[.memory]?.version == .v1)
        #expect(layout.placements[.freezer]?.version == .v2)
        #expect(layout.placements[.cpuacct]?.version == .v2)
        #expect(layout.placements[.pids] == nil)
        #expect(layout.placements[.cpu] == nil)
    }

    @Test func pureV2PlacesControllersListedInCgroupControllers() throws {
        let scratch = try CgroupScratch()
        try scratch.make(["cgroup.controllers": "cpuset cpu io memory hugetlb pids rdma misc\n"])
        let mountinfo = "26 1 0:23 / \(scratch.root) rw,nosuid - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n"
        let layout = try CgroupLayout.discover(mountInfoPath: scratch.file("mountinfo", mountinfo),
                                               procCgroupsPath: scratch.file("cgroups", Self.procCgroupsV2))
        #expect(Set(layout.placements.keys) == Set(CgroupController.allCases))
        #expect(layout.placements.values.allSatisfy { $0.version == .v2 && $0.mountPoint == scratch.root })
    }

    @Test func missingProcCgroupsMeansNoV1Controllers() throws {
        let scratch = try CgroupScratch()
        try scratch.make(["cgroup.controllers": "memory pids\n"])
        let mountinfo = "26 1 0:23 / \(scratch.root) rw - cgroup2 cgroup2 rw\n"
        let layout = try CgroupLayout.discover(mountInfoPath: scratch.file("mountinfo", mountinfo),
                                               procCgroupsPath: scratch.root + "/no-such-file")
        #expect(layout.placements[.memory]?.version == .v2)
        #expect(throws: VirError.self) { try CgroupLayout.discover(mountInfoPath: scratch.root + "/none") }
    }

    @Test func pureV2WithoutMemoryInCgroupControllersLeavesMemoryOut() throws {
        let scratch = try CgroupScratch()
        try scratch.make(["cgroup.controllers": "cpu pids\n"])
        let layout = CgroupLayout(mounts: CgroupMount.parse(mountInfo: "26 1 0:23 / \(scratch.root) rw - cgroup2 cgroup2 rw"),
                                  subsystems: [])
        #expect(layout.placements[.memory] == nil)
        #expect(layout.placements[.cpu]?.version == .v2)
        let manager = CgroupManager(layout: layout)
        let error = cgroupError { _ = try manager.create(CgroupPath("a"), controllers: [.memory]) }
        #expect(error?.code == .operationUnsupported)
        #expect(error?.message.contains("'memory'") == true)
        #expect(!scratch.exists("a"))
    }

    @Test func procPidCgroupLines() {
        let lines = CgroupMembership.parse(procPidCgroup: """
            9:name=systemd:/
            2:cpu,cpuacct:/swiftvirt/ctx-42
            0::/swiftvirt/ctx:42

            """)
        #expect(lines == [
            CgroupMembership(hierarchyID: 9, controllers: ["name=systemd"], path: "/"),
            CgroupMembership(hierarchyID: 2, controllers: ["cpu", "cpuacct"], path: "/swiftvirt/ctx-42"),
            CgroupMembership(hierarchyID: 0, controllers: [], path: "/swiftvirt/ctx:42"),
        ])
        #expect(lines[2].isUnified && !lines[1].isUnified)
    }

    @Test func pathOfProcessOnHybridV1AndV2() throws {
        let scratch = try CgroupScratch()
        try scratch.make([
            "proc/123/cgroup": "8:pids:/\n4:memory:/swiftvirt/ctx-42\n6:freezer:/other\n0::/swiftvirt/v2ctx\n",
            "unified/cgroup.controllers": "",
        ])
        let mountinfo = "35 31 0:32 / /cg/memory rw - cgroup cgroup rw,memory\n"
            + "37 31 0:34 /other /cg/freezer rw - cgroup cgroup rw,freezer\n"
            + "41 31 0:38 / \(scratch.root)/unified rw - cgroup2 cgroup2 rw\n"
        let layout = CgroupLayout(mounts: CgroupMount.parse(mountInfo: mountinfo),
                                  subsystems: CgroupSubsystem.parse(procCgroups: Self.procCgroupsV1))
        let manager = CgroupManager(layout: layout, procRoot: scratch.root + "/proc")
        #expect(try manager.path(ofProcess: 123, controller: .memory)?.description == "swiftvirt/ctx-42")
        #expect(try manager.path(ofProcess: 123, controller: .freezer) == CgroupPath.root)
        #expect(try manager.path(ofProcess: 123, controller: .cpuacct)?.description == "swiftvirt/v2ctx")
        #expect(cgroupError { _ = try manager.path(ofProcess: 0, controller: .memory) }?.code == .invalidArg)
        let missing = cgroupError { _ = try manager.path(ofProcess: 999, controller: .memory) }
        #expect(missing?.code == .systemError)
        #expect(missing?.message.contains("/proc/999/cgroup") == true)
        #expect(missing?.message.contains("No such file or directory") == true)
    }

    @Test func relativePathIsNilOutsideTheMountRoot() {
        #expect(CgroupManager.relative("/docker/abc/x/y", to: "/docker/abc")?.description == "x/y")
        #expect(CgroupManager.relative("/docker/abcd", to: "/docker/abc") == nil)
        #expect(CgroupManager.relative("/", to: "/") == CgroupPath.root)
    }
}
