#if canImport(Glibc)
import Glibc
#endif
import VirtError

/// Where each controller lives on this host: on a v1 hierarchy or on the v2 unified one.
///
/// Pure v1, hybrid (v1 controllers plus a cgroup2 mount, e.g. `/sys/fs/cgroup/unified`)
/// and pure v2 hosts are all described by the same value; the choice is per controller.
public struct CgroupLayout: Sendable, Hashable {
    /// The hierarchy of every controller available on the host.
    public var placements: [CgroupController: CgroupHierarchy]
    /// The v2 unified hierarchy, if one is mounted.
    public var unified: CgroupHierarchy?

    /// A layout with the given placements.
    public init(placements: [CgroupController: CgroupHierarchy], unified: CgroupHierarchy?) {
        self.placements = placements
        self.unified = unified
    }

    /// Places controllers from parsed mounts and `/proc/cgroups` rows.
    ///
    /// A controller goes to the first v1 mount whose options name it. Otherwise it goes to
    /// the first cgroup2 mount if that hierarchy offers it: listed in the mount's
    /// `cgroup.controllers` (which is read here), or a core v2 feature (freezer, CPU
    /// accounting, devices). A controller offered by neither is absent.
    public init(mounts: [CgroupMount], subsystems: [CgroupSubsystem]) {
        let known = Set(subsystems.filter { $0.enabled && $0.hierarchyID != 0 }.map(\.name))
        var v1: [String: CgroupHierarchy] = [:]
        for mount in mounts where mount.fsType == "cgroup" {
            let names = Set(mount.superOptions.filter { known.contains($0) || $0.hasPrefix("name=") })
            let hierarchy = CgroupHierarchy(version: .v1, mountPoint: mount.mountPoint, mountRoot: mount.root, controllers: names)
            for name in names where v1[name] == nil { v1[name] = hierarchy }
        }
        let unified = mounts.first { $0.fsType == "cgroup2" }.map { mount in
            let listed = (try? CgroupFile.readLine(mount.mountPoint + "/cgroup.controllers")) ?? ""
            return CgroupHierarchy(version: .v2, mountPoint: mount.mountPoint, mountRoot: mount.root,
                                   controllers: Set(listed.split(separator: " ").map(String.init)))
        }
        var placements: [CgroupController: CgroupHierarchy] = [:]
        for controller in CgroupController.allCases {
            if let hierarchy = v1[controller.rawValue] {
                placements[controller] = hierarchy
            } else if let unified, controller.v2Name.map(unified.controllers.contains) ?? true {
                placements[controller] = unified
            }
        }
        self.init(placements: placements, unified: unified)
    }

    /// Discovers the layout of the running system from `mountInfoPath` and `procCgroupsPath`.
    /// A missing `/proc/cgroups` (kernels built without cgroup v1) means no v1 controllers.
    public static func discover(mountInfoPath: String = "/proc/self/mountinfo",
                                procCgroupsPath: String = "/proc/cgroups") throws(VirError) -> CgroupLayout {
        let procCgroups: String
        do {
            procCgroups = try CgroupFile.read(procCgroupsPath)
        } catch where error.int1 == ENOENT {
            procCgroups = ""
        }
        return CgroupLayout(mounts: CgroupMount.parse(mountInfo: try CgroupFile.read(mountInfoPath)),
                            subsystems: CgroupSubsystem.parse(procCgroups: procCgroups))
    }

    /// The hierarchy of `controller`, or `.operationUnsupported` naming the missing controller.
    func hierarchy(of controller: CgroupController) throws(VirError) -> CgroupHierarchy {
        guard let hierarchy = placements[controller] else {
            let where2 = unified.map { " nor enabled in the cgroup v2 hierarchy at '\($0.mountPoint)'" } ?? ""
            throw VirError(.operationUnsupported,
                           "cgroup controller '\(controller.rawValue)' is not mounted as cgroup v1\(where2)",
                           domain: .cgroup)
        }
        return hierarchy
    }
}
