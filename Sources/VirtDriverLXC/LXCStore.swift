import FoundationEssentials
import VirtError
import VirtSystem
import VirtXML

#if canImport(Glibc)
import Glibc
#endif

/// Where an `lxc:///embed?root=ROOT` driver keeps its domains:
/// - `ROOT/config/NAME.xml`: persistent definitions, written atomically and fsynced;
/// - `ROOT/run/NAME.xml` and `ROOT/run/NAME.json`: the live definition and status of each
///   running container, written atomically (run state, not fsynced);
/// - `ROOT/autostart/NAME.xml`: a symbolic link to the definition of each domain that
///   starts with the driver (libvirt's layout);
/// - `ROOT/run/autostarted`: the boot id of the boot in which the driver last autostarted;
/// - `ROOT/contexts`: the security contexts the containers run in.
///
/// A later process opening the same root reads the run files and finds the containers by
/// their contexts: this is how an embedded driver, or a restarted daemon, adopts them.
struct LXCStore: Sendable {
    let root: String
    var configDirectory: String { root + "/config" }
    var runDirectory: String { root + "/run" }
    var contextsDirectory: String { root + "/contexts" }
    var autostartDirectory: String { root + "/autostart" }

    /// What `ROOT/run/NAME.json` records of a running container.
    /// Whether it is persistent is not recorded here: it is whether it has a definition in
    /// `ROOT/config`, which define and undefine change while it runs.
    struct RunStatus: Codable, Sendable, Equatable {
        /// The security context it runs in.
        var xid: UInt32
    }

    /// Creates the directories (0700).
    func prepare() throws(VirError) {
        for directory in [root, configDirectory, runDirectory, autostartDirectory] where mkdir(directory, 0o700) != 0 && errno != EEXIST {
            throw VirError(.operationFailed, "cannot create \(directory): \(String(cString: strerror(errno)))", domain: .lxc)
        }
    }

    func saveConfig(_ definition: DomainDefinition) throws(VirError) {
        try write(configDirectory + "/\(definition.name).xml", Data(definition.format().utf8), durable: true)
    }

    func removeConfig(_ name: String) {
        unlink(configDirectory + "/\(name).xml")
        try? setAutostart(name, false)
    }

    /// Whether `name` starts with the driver: it has a link in `ROOT/autostart`.
    func autostart(_ name: String) -> Bool {
        var status = stat()
        return lstat(autostartDirectory + "/\(name).xml", &status) == 0
    }

    /// Adds or removes `name`'s link in `ROOT/autostart`.
    func setAutostart(_ name: String, _ enabled: Bool) throws(VirError) {
        let link = autostartDirectory + "/\(name).xml"
        if unlink(link) != 0 && errno != ENOENT || enabled && symlink("../config/\(name).xml", link) != 0 {
            throw VirError(.operationFailed, "cannot \(enabled ? "create" : "remove") autostart link \(link): \(String(cString: strerror(errno)))", domain: .lxc)
        }
    }

    /// Whether this is the first open of the root since the host booted, recording that it
    /// happened: autostart happens once per boot, as libvirt's `virDriverShouldAutostart` has it.
    func firstOpenThisBoot() -> Bool {
        let bootID = (try? SystemFile.read("/proc/sys/kernel/random/boot_id")) ?? ""
        let marker = runDirectory + "/autostarted"
        guard (try? SystemFile.read(marker)) != bootID else { return false }
        try? write(marker, Data(bootID.utf8), durable: false)
        return true
    }

    func saveRun(_ definition: DomainDefinition, _ status: RunStatus) throws(VirError) {
        try write(runDirectory + "/\(definition.name).xml", Data(definition.format().utf8), durable: false)
        let encoded = (try? JSONEncoder().encode(status)) ?? Data()
        try write(runDirectory + "/\(definition.name).json", encoded, durable: false)
    }

    func removeRun(_ name: String) {
        unlink(runDirectory + "/\(name).json")
        unlink(runDirectory + "/\(name).xml")
    }

    /// Every persistent definition, by name. A file that no longer parses is reported, not
    /// skipped silently: losing a definition is worse than refusing to open.
    func loadConfigs() throws(VirError) -> [DomainDefinition] {
        try names(in: configDirectory, suffix: ".xml").map { (name) throws(VirError) in
            try DomainDefinition.parse(String(decoding: read(configDirectory + "/\(name).xml"), as: UTF8.self))
        }
    }

    /// Every recorded running container: its live definition and status.
    func loadRuns() -> [(DomainDefinition, RunStatus)] {
        names(in: runDirectory, suffix: ".json").compactMap { name in
            guard let status = try? JSONDecoder().decode(RunStatus.self, from: (try? read(runDirectory + "/\(name).json")) ?? Data()),
                  let xml = try? read(runDirectory + "/\(name).xml"),
                  let definition = try? DomainDefinition.parse(String(decoding: xml, as: UTF8.self)) else { return nil }
            return (definition, status)
        }
    }

    /// Whether a driver opening this root has something to do at once: containers that ran
    /// (run files to adopt them by) or domains to autostart. A daemon asks this at start,
    /// before it loads anything else.
    var hasDomainsToTend: Bool {
        !names(in: runDirectory, suffix: ".json").isEmpty || !names(in: autostartDirectory, suffix: ".xml").isEmpty
    }

    private func names(in directory: String, suffix: String) -> [String] {
        ((try? SystemFile.entries(of: directory, domain: .lxc)) ?? [])
            .filter { $0.hasSuffix(suffix) && !$0.hasPrefix(".") }
            .map { String($0.dropLast(suffix.count)) }
            .sorted()
    }

    private func read(_ path: String) throws(VirError) -> Data {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw VirError(.operationFailed, "cannot read \(path)", domain: .lxc)
        }
        return data
    }

    private func write(_ path: String, _ data: Data, durable: Bool) throws(VirError) {
        try AtomicFile.replace(path, with: Array(data), durable: durable, domain: .lxc)
    }
}
