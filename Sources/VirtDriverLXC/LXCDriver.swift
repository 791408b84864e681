import Synchronization
import VirtContexts
import VirtCore
import VirtError
import VirtSystem
import VirtXML

#if canImport(Glibc)
import Glibc
#endif

/// libvirt's LXC driver, embedded: `lxc:///embed?root=DIR` runs the driver inside the
/// calling process, with no daemon. Each running `<domain type='lxc'>` is a security context
/// (VirtContexts): no Swift process per container, nothing resident but the container's own
/// processes and the root's keeper. Containers keep running when the process exits; the next
/// process that opens the same root adopts them from the run files (see ``LXCStore``).
public final class LXCDriver: RootedDriver {
    let store: LXCStore
    let contexts: ContextSystem
    let domains: Mutex<[String: LXCDomain]>
    let events = EventBroadcaster()
    /// One task per running container, which waits for its end (``watch(_:_:)``).
    let watchers = Mutex<[UInt32: Task<Void, Never>]>([:])
    /// The host's CPUs: how many exist, and which are online.
    let host: HostCPUs

    init(root: String) throws(VirError) {
        store = LXCStore(root: root)
        try store.prepare()
        contexts = try ContextSystem(root: store.contextsDirectory)
        host = try LocalHost.cpuMap()
        var found: [String: LXCDomain] = [:]
        for definition in try store.loadConfigs() {
            found[definition.name] = LXCDomain(definition: definition, isPersistent: true)
        }
        for (definition, status) in store.loadRuns() {
            guard let context = try? contexts.context(status.xid) else {
                store.removeRun(definition.name)  // it ended while nobody watched
                continue
            }
            // It is persistent exactly when it has a definition in config/, which may have
            // changed (defined anew) while it ran.
            let persistent = found[definition.name]?.definition
            found[definition.name] = LXCDomain(definition: definition, isPersistent: persistent != nil, pendingDefinition: persistent,
                                               xid: status.xid, initPID: context.info().initPID, reason: .runningUnpaused)
        }
        domains = Mutex(found)
        for domain in found.values {
            if let xid = domain.xid, let context = try? contexts.context(xid) { watch(domain.definition.name, .adopted(context)) }
        }
        autostartDomains()
    }

    /// The registry entry: accepts `lxc:///embed?root=ABSOLUTE-DIR`. Corresponds to libvirt's
    /// `lxcConnectOpen` in embedded mode.
    @Sendable public static func open(_ uri: ConnectionURI, readOnly: Bool) async throws -> (any HypervisorDriver)? {
        guard let root = try root(of: uri, systemRoot: nil) else { return nil }
        return try LXCDriver(root: root)
    }

    /// The driver of `root` (``RootedDriver``), adopting its running containers.
    public static func open(root: String) async throws(VirError) -> LXCDriver {
        try LXCDriver(root: root)
    }

    /// Whether `root` has containers to adopt or domains to autostart.
    public static func hasDomainsToTend(root: String) -> Bool {
        LXCStore(root: root).hasDomainsToTend
    }

    /// The root an `lxc` URI names: `lxc:///embed?root=DIR`'s, or `systemRoot` for `lxc:///`
    /// and `lxc:///system` where a daemon hosts the driver; nil for another driver's URI.
    public static func root(of uri: ConnectionURI, systemRoot: String?) throws(VirError) -> String? {
        guard uri.driver == "lxc", uri.transport == nil, uri.host.isEmpty else { return nil }
        if ["", "/", "/system"].contains(uri.path), let systemRoot { return systemRoot }
        guard uri.path == "/embed" else {
            throw VirError(.noConnect, "lxc://\(uri.path) is not a container driver: use lxc:/// (virtd's) or lxc:///embed?root=DIR", domain: .lxc)
        }
        guard let root = uri.query.first(where: { $0.name == "root" })?.value, root.hasPrefix("/") else {
            throw VirError(.invalidArg, "lxc:///embed needs an absolute root directory: lxc:///embed?root=DIR", domain: .lxc)
        }
        return root
    }

    /// Corresponds to `virConnectClose`. Running containers keep running.
    public func close() async {}

    /// Corresponds to `virConnectDomainEventRegisterAny` for lifecycle events.
    public func lifecycleEvents() async throws -> AsyncStream<DomainEvent> {
        events.subscribe()
    }

    /// Corresponds to `virConnectGetType`.
    public func hypervisorType() async throws -> String { "LXC" }

    /// Corresponds to `virConnectGetVersion`: the kernel's version, as libvirt's LXC driver
    /// reports it (major * 1,000,000 + minor * 1,000 + release).
    public func hypervisorVersion() async throws -> UInt64 {
        let kernel = KernelVersion.running
        return kernel.major * 1_000_000 + kernel.minor * 1_000 + kernel.patch
    }

    /// Corresponds to `virConnectGetHostname`.
    public func hostname() async throws -> String {
        try LocalHost.name(domain: .lxc)
    }

    /// Corresponds to `virNodeGetInfo`: this host's (``LocalHost/nodeInfo()``).
    public func nodeInfo() async throws -> NodeInfo {
        try LocalHost.nodeInfo()
    }

    /// Corresponds to `virNodeGetCPUMap`: this host's CPUs.
    public func nodeCPUMap() async throws -> (cpus: Int, online: CPUMap) {
        host
    }

    /// Runs `body` on the domains, then emits the events it produced.
    func mutate<R, E: Error>(_ body: (inout [String: LXCDomain], inout [DomainEvent]) throws(E) -> R) throws(E) -> R {
        var produced: [DomainEvent] = []
        let result = try domains.withLock { (domains) throws(E) -> R in try body(&domains, &produced) }
        for event in produced { events.emit(event) }
        return result
    }

    /// Records that `name` no longer runs (and deletes its interfaces' veth pairs, which its
    /// network namespace's end would take only later); a transient domain is gone then.
    /// Returns the domain as it now stands (to be started again, say), even a transient one.
    @discardableResult
    func markStopped(_ name: String, in domains: inout [String: LXCDomain], reason: DomainStateReason) -> LXCDomain? {
        store.removeRun(name)
        guard var domain = domains[name] else { return nil }
        LXCInterfaces.disconnect(domain.definition.devices.interfaces.compactMap(\.targetDev))
        domain.shutdownTimer?.cancel()
        domain.shutdownTimer = nil
        domain.xid = nil
        domain.initPID = nil
        domain.destroying = false
        domain.rebooting = false
        domain.reason = reason
        return domains.keepStopped(domain)
    }
}
