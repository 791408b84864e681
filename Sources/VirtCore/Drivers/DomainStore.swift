import FoundationEssentials
import VirtError
import VirtSystem
import VirtXML

#if canImport(Glibc)
import Glibc
#endif

/// Where a stateful driver (`lxc:///embed?root=ROOT`, `qemu:///embed?root=ROOT`) keeps its
/// domains:
/// - `ROOT/config/NAME.xml`: persistent definitions, written atomically and fsynced;
/// - `ROOT/run/NAME.xml` and `ROOT/run/NAME.json`: the live definition and status of each
///   running domain (`RunStatus`, the driver's own), written atomically (run state, not
///   fsynced);
/// - `ROOT/autostart/NAME.xml`: a symbolic link to the definition of each domain that
///   starts with the driver (libvirt's layout);
/// - `ROOT/run/autostarted`: the boot id of the boot in which the driver last autostarted.
///
/// A later process opening the same root reads the run files and finds the running domains
/// by what their status records: this is how an embedded driver, or a restarted daemon,
/// adopts them. Whether a domain is persistent is not in its status: it is whether it has a
/// definition in `ROOT/config`, which define and undefine change while it runs.
public struct DomainStore<RunStatus: Codable & Sendable>: Sendable {
    /// The root directory.
    public let root: String
    /// The error domain of the driver (`VIR_FROM_LXC`, `VIR_FROM_QEMU`).
    public let errorDomain: ErrorDomain
    /// `ROOT/config`.
    public var configDirectory: String { root + "/config" }
    /// `ROOT/run`.
    public var runDirectory: String { root + "/run" }
    /// `ROOT/autostart`.
    public var autostartDirectory: String { root + "/autostart" }

    /// The store at `root`, whose errors name `errorDomain`.
    public init(root: String, errorDomain: ErrorDomain) {
        self.root = root
        self.errorDomain = errorDomain
    }

    /// Creates the directories (0700), and the driver's own `more`.
    public func prepare(more: [String] = []) throws(VirError) {
        for directory in [root, configDirectory, runDirectory, autostartDirectory] + more where mkdir(directory, 0o700) != 0 && errno != EEXIST {
            throw VirError(.operationFailed, "cannot create \(directory): \(String(cString: strerror(errno)))", domain: errorDomain)
        }
    }

    /// Writes `definition` to `ROOT/config/NAME.xml`, durably.
    public func saveConfig(_ definition: DomainDefinition) throws(VirError) {
        try write(configDirectory + "/\(definition.name).xml", Data(definition.format().utf8), durable: true)
    }

    /// Removes `name`'s definition and autostart link.
    public func removeConfig(_ name: String) {
        unlink(configDirectory + "/\(name).xml")
        try? setAutostart(name, false)
    }

    /// Whether `name` starts with the driver: it has a link in `ROOT/autostart`.
    public func autostart(_ name: String) -> Bool {
        var status = stat()
        return lstat(autostartDirectory + "/\(name).xml", &status) == 0
    }

    /// Adds or removes `name`'s link in `ROOT/autostart`.
    public func setAutostart(_ name: String, _ enabled: Bool) throws(VirError) {
        let link = autostartDirectory + "/\(name).xml"
        if unlink(link) != 0 && errno != ENOENT || enabled && symlink("../config/\(name).xml", link) != 0 {
            throw VirError(.operationFailed, "cannot \(enabled ? "create" : "remove") autostart link \(link): \(String(cString: strerror(errno)))", domain: errorDomain)
        }
    }

    /// Whether this is the first open of the root since the host booted, recording that it
    /// happened: autostart happens once per boot, as libvirt's `virDriverShouldAutostart` has it.
    public func firstOpenThisBoot() -> Bool {
        let bootID = (try? SystemFile.read("/proc/sys/kernel/random/boot_id")) ?? ""
        let marker = runDirectory + "/autostarted"
        guard (try? SystemFile.read(marker)) != bootID else { return false }
        try? write(marker, Data(bootID.utf8), durable: false)
        return true
    }

    /// Records `name`'s live definition and status in `ROOT/run`.
    public func saveRun(_ definition: DomainDefinition, _ status: RunStatus) throws(VirError) {
        try write(runDirectory + "/\(definition.name).xml", Data(definition.format().utf8), durable: false)
        let encoded = (try? JSONEncoder().encode(status)) ?? Data()
        try write(runDirectory + "/\(definition.name).json", encoded, durable: false)
    }

    public func removeRun(_ name: String) {
        unlink(runDirectory + "/\(name).json")
        unlink(runDirectory + "/\(name).xml")
    }

    /// Every persistent definition, by name. A file that no longer parses is reported, not
    /// skipped silently: losing a definition is worse than refusing to open.
    public func loadConfigs() throws(VirError) -> [DomainDefinition] {
        try names(in: configDirectory, suffix: ".xml").map { (name) throws(VirError) in
            try DomainDefinition.parse(String(decoding: read(configDirectory + "/\(name).xml"), as: UTF8.self))
        }
    }

    /// Every recorded running domain: its live definition and status.
    public func loadRuns() -> [(DomainDefinition, RunStatus)] {
        names(in: runDirectory, suffix: ".json").compactMap { name in
            guard let status = try? JSONDecoder().decode(RunStatus.self, from: (try? read(runDirectory + "/\(name).json")) ?? Data()),
                  let xml = try? read(runDirectory + "/\(name).xml"),
                  let definition = try? DomainDefinition.parse(String(decoding: xml, as: UTF8.self)) else { return nil }
            return (definition, status)
        }
    }

    /// Whether a driver opening this root has something to do at once: domains that ran
    /// (run files to adopt them by) or domains to autostart. A daemon asks this at start,
    /// before it loads anything else.
    public var hasDomainsToTend: Bool {
        !names(in: runDirectory, suffix: ".json").isEmpty || !names(in: autostartDirectory, suffix: ".xml").isEmpty
    }

    private func names(in directory: String, suffix: String) -> [String] {
        ((try? SystemFile.entries(of: directory, domain: errorDomain)) ?? [])
            .filter { $0.hasSuffix(suffix) && !$0.hasPrefix(".") }
            .map { String($0.dropLast(suffix.count)) }
            .sorted()
    }

    private func read(_ path: String) throws(VirError) -> Data {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw VirError(.operationFailed, "cannot read \(path)", domain: errorDomain)
        }
        return data
    }

    private func write(_ path: String, _ data: Data, durable: Bool) throws(VirError) {
        try AtomicFile.replace(path, with: Array(data), durable: durable, domain: errorDomain)
    }
}
