import VirtError

/// One cgroup, at the same relative path in every hierarchy that holds one of its
/// controllers. Obtained from ``CgroupManager``.
///
/// Each operation goes to the backend (v1 or v2) of the controller it needs, so on a
/// hybrid host the memory limit may be a v1 file and the freezer a v2 one. Values are
/// validated before anything is written; invalid ones throw `.invalidArg`.
public struct Cgroup: Sendable {
    /// The cgroup's directory in one hierarchy, with that hierarchy's backend.
    struct Member: Sendable {
        let backend: any CgroupBackend
        let directory: String
        var controllers: Set<CgroupController>
    }

    /// The path, relative to each hierarchy's mount point.
    public let path: CgroupPath
    /// One member per distinct hierarchy, in a stable order.
    let members: [Member]

    init(path: CgroupPath, controllers: Set<CgroupController>, layout: CgroupLayout) throws(VirError) {
        var members: [Member] = []
        for controller in controllers.sorted() {
            let hierarchy = try layout.hierarchy(of: controller)
            if let index = members.firstIndex(where: { $0.backend.hierarchy == hierarchy }) {
                members[index].controllers.insert(controller)
                continue
            }
            let backend: any CgroupBackend = switch hierarchy.version {
            case .v1: CgroupV1Backend(hierarchy: hierarchy)
            case .v2: CgroupV2Backend(hierarchy: hierarchy)
            }
            members.append(Member(backend: backend, directory: hierarchy.directory(of: path), controllers: [controller]))
        }
        guard !members.isEmpty else {
            throw VirError(.invalidArg, "cgroup '\(path)' needs at least one controller", domain: .cgroup)
        }
        self.path = path
        self.members = members
    }

    init(path: CgroupPath, members: [Member]) {
        self.path = path
        self.members = members
    }

    /// The controllers this cgroup was created or opened with.
    public var controllers: Set<CgroupController> { members.reduce([]) { $0.union($1.controllers) } }

    /// The cgroup's directory in each of its hierarchies.
    public var directories: [String] { members.map(\.directory) }

    /// The directory of the hierarchy that has `controller`, if this cgroup is in it.
    public func directory(of controller: CgroupController) -> String? {
        members.first { $0.controllers.contains(controller) }?.directory
    }

    /// The member that serves `controller`, or `.operationUnsupported` if the cgroup lacks it.
    func member(_ controller: CgroupController) throws(VirError) -> Member {
        guard let member = members.first(where: { $0.controllers.contains(controller) }) else {
            throw VirError(.operationUnsupported,
                           "cgroup '\(path)' was not set up with the '\(controller.rawValue)' controller",
                           domain: .cgroup)
        }
        return member
    }

    /// Creates the directories in every hierarchy; see
    /// ``CgroupManager/create(_:controllers:exclusively:)``.
    func create(exclusively: Bool) throws(VirError) {
        var made: [String] = []
        for member in members {
            let isNew = try member.backend.create(path, for: member.controllers)
            if isNew { made.append(member.directory) }
            guard isNew || !exclusively else {
                for directory in made { _ = CgroupFile.removeDirectory(directory) }
                throw VirError(.operationInvalid, "cgroup '\(member.directory)' already exists: something else uses it", domain: .cgroup)
            }
        }
    }
}
