import Synchronization
import VirtCore
import VirtError
import VirtSystem
import VirtXML

/// libvirt's QEMU driver, embedded: `qemu:///embed?root=DIR` runs the driver inside the
/// calling process, with no daemon, and virtd hosts the same driver for `qemu:///system`.
/// Each running `<domain type='kvm'>` or `<domain type='qemu'>` is a QEMU process driven
/// over QMP. QEMUs keep running when the process exits; the next driver that opens the same
/// root adopts them from the run files (see ``QEMUStore``).
///
/// A QEMU's monitor takes one client at a time, so a process has one driver per root: every
/// connection to `qemu:///embed?root=DIR` shares it, and the last to close lets go of the
/// monitors (``close()``).
public final class QEMUDriver: RootedDriver {
    let store: QEMUStore
    let probe: QEMUCapabilityProbe
    let domains = Mutex<[String: QEMUDomain]>([:])
    let events = EventBroadcaster()
    /// The id the next QEMU gets.
    let nextID = Mutex<Int32>(1)
    /// The connections that use this driver; at zero it has let go (``close()``).
    private let users = Mutex(0)

    /// The drivers of this process's `qemu:///embed` connections, one per root.
    private static let embedded = DriverHost<QEMUDriver>(systemRoot: nil)

    private init(store: QEMUStore) {
        self.store = store
        probe = QEMUCapabilityProbe(cacheDirectory: store.cacheDirectory)
    }

    /// The registry entry: accepts `qemu:///embed?root=ABSOLUTE-DIR`, shared by every
    /// connection of the process to that root. Corresponds to libvirt's `qemuConnectOpen` in
    /// embedded mode.
    @Sendable public static func open(_ uri: ConnectionURI, readOnly: Bool) async throws -> (any HypervisorDriver)? {
        try await embedded.open(uri, readOnly: readOnly)
    }

    /// The driver of `root` (``RootedDriver``): its definitions loaded, the QEMUs still
    /// running there adopted, and, on the first open since the host booted, its autostart
    /// domains started.
    public static func open(root: String) async throws(VirError) -> QEMUDriver {
        let store = QEMUStore(root: root)
        try store.prepare(more: [store.logDirectory, store.cacheDirectory])
        let driver = QEMUDriver(store: store)
        var found: [String: QEMUDomain] = [:]
        for definition in try store.loadConfigs() {
            found[definition.name] = QEMUDomain(definition: definition, isPersistent: true)
        }
        driver.domains.withLock { $0 = found }
        await driver.adoptRunningDomains()
        try driver.loadSnapshots()
        await driver.autostartDomains()
        return driver
    }

    /// Reads every domain's snapshot metadata.
    private func loadSnapshots() throws(VirError) {
        let names = domains.withLock { Array($0.keys) }
        for name in names {
            let tree = try store.loadSnapshots(domain: name)
            domains.withLock { $0[name]?.snapshots = tree }
        }
    }

    /// Whether `root` has QEMUs to adopt or domains to autostart.
    public static func hasDomainsToTend(root: String) -> Bool {
        QEMUStore(root: root).hasDomainsToTend
    }

    /// The root a `qemu` URI names: `qemu:///embed?root=DIR`'s, or `systemRoot` for
    /// `qemu:///system` (and `qemu:///`, `qemu:///session`) where a daemon hosts the
    /// driver; nil for another driver's URI.
    public static func root(of uri: ConnectionURI, systemRoot: String?) throws(VirError) -> String? {
        guard uri.driver == "qemu", uri.transport == nil, uri.host.isEmpty else { return nil }
        if ["", "/", "/system", "/session"].contains(uri.path), let systemRoot { return systemRoot }
        guard uri.path == "/embed" else {
            throw VirError(.noConnect, "qemu://\(uri.path) is not a QEMU driver: use qemu:///system (virtd's) or qemu:///embed?root=DIR", domain: .qemu)
        }
        guard let root = uri.query.first(where: { $0.name == "root" })?.value, root.hasPrefix("/") else {
            throw VirError(.invalidArg, "qemu:///embed needs an absolute root directory: qemu:///embed?root=DIR", domain: .qemu)
        }
        return root
    }

    /// Counts one more connection (``RootedDriver``); false once the driver has let go, for
    /// the host to open a new one.
    public func acquire() -> Bool {
        users.withLock { users in
            guard users >= 0 else { return false }
            users += 1
            return true
        }
    }

    /// Corresponds to `virConnectClose`. Running QEMUs keep running; when the last
    /// connection closes, the driver closes their monitors and stops watching them, so that
    /// another driver (another process, or a later open) can adopt them.
    public func close() async {
        let last = users.withLock { users in
            users -= 1
            if users == 0 { users = -1 }
            return users < 0
        }
        guard last else { return }
        let running = domains.withLock { domains in domains.values.compactMap(\.running) }
        for vm in running {
            vm.watcher.withLock { $0 }?.cancel()
            vm.qemu.monitor.close()
        }
    }

    /// Corresponds to `virConnectDomainEventRegisterAny` for lifecycle events.
    public func lifecycleEvents() async throws -> AsyncStream<DomainEvent> {
        events.subscribe()
    }

    /// Corresponds to `virConnectGetType`.
    public func hypervisorType() async throws -> String { "QEMU" }

    /// Corresponds to `virConnectGetVersion`: the version of the default emulator, as
    /// libvirt's QEMU driver reports it (major * 1,000,000 + minor * 1,000 + micro).
    public func hypervisorVersion() async throws -> UInt64 {
        UInt64(try await probe.capabilities(of: Self.defaultEmulator).version)
    }

    /// Corresponds to `virConnectGetHostname`.
    public func hostname() async throws -> String {
        try LocalHost.name(domain: .qemu)
    }

    /// Corresponds to `virNodeGetInfo`: this host's (``LocalHost/nodeInfo()``).
    public func nodeInfo() async throws -> NodeInfo {
        try LocalHost.nodeInfo()
    }

    /// Corresponds to `virNodeGetCPUMap`: this host's CPUs.
    public func nodeCPUMap() async throws -> (cpus: Int, online: CPUMap) {
        try LocalHost.cpuMap()
    }

    /// The emulator of a definition with no `<emulator>`: Debian's.
    static let defaultEmulator = "/usr/bin/qemu-system-x86_64"

    /// Runs `body` on the domains, then emits the events it produced.
    func mutate<R, E: Error>(_ body: (inout [String: QEMUDomain], inout [DomainEvent]) throws(E) -> R) throws(E) -> R {
        var produced: [DomainEvent] = []
        let result = try domains.withLock { (domains) throws(E) -> R in try body(&domains, &produced) }
        for event in produced { events.emit(event) }
        return result
    }

    /// The running QEMU of the domain behind `identity`, or "domain is not running".
    func running(_ identity: DomainIdentity) throws(VirError) -> QEMURunningDomain {
        try domains.withLock { (domains) throws(VirError) -> QEMURunningDomain in
            guard let running = try domains.find(identity).running else {
                throw VirError(.operationInvalid, "domain is not running", domain: .qemu)
            }
            return running
        }
    }

    /// Runs `body` as a job on the running QEMU of `identity`: after the jobs before it,
    /// and only if the same QEMU still runs when its turn comes.
    func job<R>(_ identity: DomainIdentity, _ body: (QEMURunningDomain) async throws(VirError) -> R) async throws(VirError) -> R {
        let vm = try running(identity)
        return try await vm.jobs.run { () async throws(VirError) -> R in
            guard (try? running(identity)) === vm else {
                throw VirError(.operationInvalid, "domain is not running", domain: .qemu)
            }
            return try await body(vm)
        }
    }
}
