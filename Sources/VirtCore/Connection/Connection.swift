import Logging
import Synchronization
import VirtError
import VirtXML

/// A connection to a hypervisor driver. Corresponds to `virConnectPtr`.
///
/// Every call goes through one front door (``call(_:mutating:_:)``): it logs, refuses
/// calls on a closed connection (`VIR_ERR_INVALID_CONN`), refuses mutations on a read-only
/// connection (`VIR_ERR_OPERATION_DENIED`) and turns any failure into a ``VirError``.
public final class Connection: Sendable {
    /// The URI it was opened with (`virConnectGetURI`).
    public let uri: ConnectionURI
    /// Whether it was opened read-only (`virConnectOpenReadOnly`).
    public let isReadOnly: Bool
    let driver: any HypervisorDriver
    private let closed = Atomic<Bool>(false)
    let eventStreams = Mutex(EventStreams())
    private static let logger = Logger(label: "swiftvirt.core")

    private init(uri: ConnectionURI, readOnly: Bool, driver: any HypervisorDriver) {
        self.uri = uri
        self.isReadOnly = readOnly
        self.driver = driver
    }

    /// Opens `uri` with the first driver of `drivers` that accepts it.
    /// Corresponds to `virConnectOpen` and, with `readOnly`, `virConnectOpenReadOnly`.
    public static func open(_ uri: String, readOnly: Bool = false, drivers: DriverRegistry) async throws(VirError) -> Connection {
        let parsed = try ConnectionURI(uri)
        let driver = try await drivers.open(parsed, readOnly: readOnly)
        logger.debug("opened \(uri) readOnly=\(readOnly)")
        return Connection(uri: parsed, readOnly: readOnly, driver: driver)
    }

    /// Closes the connection; later calls fail with `VIR_ERR_INVALID_CONN`.
    /// Corresponds to `virConnectClose`.
    public func close() async {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let streams = eventStreams.withLock { streams in
            defer { streams.open.removeAll() }
            return Array(streams.open.values)
        }
        for stream in streams { stream.finish() }
        await driver.close()
    }

    /// Whether the driver's calls may block the thread they run on (`NodeDriver.callsMayBlock`):
    /// a daemon then runs them on worker threads.
    public var callsMayBlock: Bool { driver.callsMayBlock }

    /// Whether ``close()`` has been called.
    public var isClosed: Bool { closed.load(ordering: .acquiring) }

    /// The front door: runs `body` against the driver after the checks every call shares.
    func call<T>(_ function: String, mutating: Bool = false, _ body: (any HypervisorDriver) async throws -> T) async throws(VirError) -> T {
        if closed.load(ordering: .acquiring) {
            throw VirError(.invalidConn, function)
        }
        if mutating && isReadOnly {
            throw VirError.readOnly(function)
        }
        Self.logger.trace("\(function)")
        do {
            return try await body(driver)
        } catch let error as VirError {
            Self.logger.debug("\(function) failed: \(error.message)")
            throw error
        } catch {
            throw VirError.internalError("\(function): \(error)")
        }
    }
}

// MARK: - Connection and node calls

extension Connection {
    /// Corresponds to `virConnectGetType`.
    public func hypervisorType() async throws(VirError) -> String {
        try await call("virConnectGetType") { try await $0.hypervisorType() }
    }

    /// Corresponds to `virConnectGetVersion`.
    public func hypervisorVersion() async throws(VirError) -> UInt64 {
        try await call("virConnectGetVersion") { try await $0.hypervisorVersion() }
    }

    /// Corresponds to `virConnectGetLibVersion`.
    public func libraryVersion() async throws(VirError) -> UInt64 {
        try await call("virConnectGetLibVersion") { _ in LibraryVersion.number }
    }

    /// Corresponds to `virConnectGetHostname`.
    public func hostname() async throws(VirError) -> String {
        try await call("virConnectGetHostname") { try await $0.hostname() }
    }

    /// Corresponds to `virConnectGetURI`.
    public func uriString() async throws(VirError) -> String {
        try await call("virConnectGetURI") { _ in uri.text }
    }

    /// Corresponds to `virConnectGetCapabilities`.
    public func capabilities() async throws(VirError) -> String {
        try await call("virConnectGetCapabilities") { try await $0.capabilities() }
    }

    /// Corresponds to `virConnectGetSysinfo`.
    public func sysinfo() async throws(VirError) -> String {
        try await call("virConnectGetSysinfo") { try await $0.sysinfo() }
    }

    /// Corresponds to `virNodeGetInfo`.
    public func nodeInfo() async throws(VirError) -> NodeInfo {
        try await call("virNodeGetInfo") { try await $0.nodeInfo() }
    }

    /// Corresponds to `virNodeGetCPUMap`: how many host CPUs exist, and which are online.
    public func nodeCPUMap() async throws(VirError) -> (cpus: Int, online: CPUMap) {
        try await call("virNodeGetCPUMap") { try await $0.nodeCPUMap() }
    }

    /// Corresponds to `virNodeGetSecurityModel`.
    public func securityModel() async throws(VirError) -> SecurityModel {
        try await call("virNodeGetSecurityModel") { try await $0.securityModel() }
    }
}

// MARK: - Listing and lookup

extension Connection {
    /// Corresponds to `virConnectListAllDomains`.
    public func listAllDomains(flags: ListDomainsFlags = []) async throws(VirError) -> [Domain] {
        try flags.checkKnown(function: "virConnectListAllDomains")
        return try await call("virConnectListAllDomains") { try await $0.listAllDomains(flags: flags) }
            .map { Domain(connection: self, identity: $0) }
    }

    /// Corresponds to `virConnectNumOfDomains`: how many domains are active.
    public func numberOfDomains() async throws(VirError) -> Int {
        try await call("virConnectNumOfDomains") { try await $0.listAllDomains(flags: .active).count }
    }

    /// Corresponds to `virConnectListDomains`: the ids of active domains, ascending.
    /// `maxIDs` bounds the answer as the C array does.
    public func listDomainIDs(maxIDs: Int = Int.max) async throws(VirError) -> [Int32] {
        guard maxIDs >= 0 else { throw VirError.invalidArg("maxids in virConnectListDomains must be zero or greater") }
        return try await call("virConnectListDomains") { try await $0.listAllDomains(flags: .active) }
            .map(\.id).sorted().prefix(maxIDs).map { $0 }
    }

    /// Corresponds to `virConnectNumOfDefinedDomains`: how many domains are inactive.
    public func numberOfDefinedDomains() async throws(VirError) -> Int {
        try await call("virConnectNumOfDefinedDomains") { try await $0.listAllDomains(flags: .inactive).count }
    }

    /// Corresponds to `virConnectListDefinedDomains`: names of inactive domains, sorted.
    /// `maxNames` bounds the answer as the C array does.
    public func listDefinedDomainNames(maxNames: Int = Int.max) async throws(VirError) -> [String] {
        guard maxNames >= 0 else { throw VirError.invalidArg("maxnames in virConnectListDefinedDomains must be zero or greater") }
        return try await call("virConnectListDefinedDomains") { try await $0.listAllDomains(flags: .inactive) }
            .map(\.name).sorted().prefix(maxNames).map { $0 }
    }

    /// Corresponds to `virDomainLookupByID`.
    public func lookupDomain(id: Int32) async throws(VirError) -> Domain {
        guard id >= 0 else { throw VirError.invalidArg("id in virDomainLookupByID must be zero or greater") }
        return try await lookup(.id(id), "virDomainLookupByID")
    }

    /// Corresponds to `virDomainLookupByName`.
    public func lookupDomain(name: String) async throws(VirError) -> Domain {
        try await lookup(.name(name), "virDomainLookupByName")
    }

    /// Corresponds to `virDomainLookupByUUID`.
    public func lookupDomain(uuid: DomainUUID) async throws(VirError) -> Domain {
        try await lookup(.uuid(uuid), "virDomainLookupByUUID")
    }

    /// Corresponds to `virDomainLookupByUUID` with the 16 raw bytes.
    public func lookupDomain(uuidBytes: [UInt8]) async throws(VirError) -> Domain {
        guard let uuid = DomainUUID(bytes: uuidBytes) else {
            throw VirError.invalidArg("uuid in virDomainLookupByUUID must be 16 bytes")
        }
        return try await lookup(.uuid(uuid), "virDomainLookupByUUID")
    }

    /// Corresponds to `virDomainLookupByUUIDString`.
    public func lookupDomain(uuidString: String) async throws(VirError) -> Domain {
        guard let uuid = DomainUUID(uuidString) else {
            throw VirError(.invalidArg, "Invalid UUID", domain: .domain)
        }
        return try await lookup(.uuid(uuid), "virDomainLookupByUUIDString")
    }

    private func lookup(_ key: DomainLookupKey, _ function: String) async throws(VirError) -> Domain {
        let identity = try await call(function) { try await $0.lookupDomain(key) }
        return Domain(connection: self, identity: identity)
    }
}

// MARK: - Creating domains

extension Connection {
    /// Corresponds to `virDomainCreateXML`: creates and starts a transient domain.
    public func createDomain(xml: String, flags: CreateFlags = []) async throws(VirError) -> Domain {
        try flags.checkKnown(function: "virDomainCreateXML")
        let identity = try await call("virDomainCreateXML", mutating: true) { try await $0.createDomain(xml: xml, flags: flags) }
        return Domain(connection: self, identity: identity)
    }

    /// Corresponds to the seed's `virDomainCreateLinux`, an alias of `virDomainCreateXML`.
    public func createLinux(xml: String, flags: CreateFlags = []) async throws(VirError) -> Domain {
        try await createDomain(xml: xml, flags: flags)
    }

    /// Corresponds to `virDomainDefineXML` / `virDomainDefineXMLFlags`.
    public func defineDomain(xml: String, flags: DefineFlags = []) async throws(VirError) -> Domain {
        try flags.checkKnown(function: "virDomainDefineXMLFlags")
        let identity = try await call(flags.isEmpty ? "virDomainDefineXML" : "virDomainDefineXMLFlags", mutating: true) { try await $0.defineDomain(xml: xml, flags: flags) }
        return Domain(connection: self, identity: identity)
    }

    /// Corresponds to `virDomainDefineXML` with a typed definition.
    public func defineDomain(_ definition: DomainDefinition) async throws(VirError) -> Domain {
        try await defineDomain(xml: definition.format(DomainFormatOptions(inactive: true)))
    }

    /// Corresponds to `virDomainRestore` / `virDomainRestoreFlags`.
    public func restoreDomain(from path: String, xml: String? = nil, flags: SaveRestoreFlags = []) async throws(VirError) {
        try flags.checkKnown(function: "virDomainRestoreFlags")
        let function = flags.isEmpty && xml == nil ? "virDomainRestore" : "virDomainRestoreFlags"
        guard !path.isEmpty else { throw VirError.invalidArg("from in \(function) must not be NULL") }
        try exclusive(flags, .running, "VIR_DOMAIN_SAVE_RUNNING", .paused, "VIR_DOMAIN_SAVE_PAUSED", domain: .domain)
        try await call(function, mutating: true) { try await $0.restore(from: path, xml: xml, flags: flags) }
    }

    /// Corresponds to `virDomainSaveImageGetXMLDesc`: the definition a save file holds,
    /// which a restore of it starts (`SECURE` is the only flag).
    public func saveImageXML(path: String, flags: DomainXMLFlags = []) async throws(VirError) -> String {
        guard !path.isEmpty else { throw VirError.invalidArg("file in virDomainSaveImageGetXMLDesc must not be NULL") }
        return try await call("virDomainSaveImageGetXMLDesc") { try await $0.saveImageXML(path: path, flags: flags) }
    }
}

// MARK: - Events

extension Connection {
    /// Lifecycle events of every domain of this connection, from now on. The stream ends
    /// when the connection closes, or when the consumer stops iterating. Corresponds to
    /// `virConnectDomainEventRegisterAny` with `VIR_DOMAIN_EVENT_ID_LIFECYCLE`; there is no
    /// event loop to register, and ending the iteration is the deregistration.
    public func lifecycleEvents() async throws(VirError) -> AsyncStream<DomainLifecycleEvent> {
        let source = try await call("virConnectDomainEventRegisterAny") { try await $0.lifecycleEvents() }
        let (stream, continuation) = AsyncStream<DomainLifecycleEvent>.makeStream(bufferingPolicy: .bufferingNewest(4096))
        let forwarder = Task { [self] in
            for await event in source {
                continuation.yield(DomainLifecycleEvent(domain: Domain(connection: self, identity: event.domain), type: event.type, detail: event.detail))
            }
            continuation.finish()
        }
        let key = eventStreams.withLock { streams in
            streams.next += 1
            streams.open[streams.next] = continuation
            return streams.next
        }
        continuation.onTermination = { [weak self] _ in
            forwarder.cancel()
            _ = self?.eventStreams.withLock { $0.open.removeValue(forKey: key) }
        }
        return stream
    }
}

/// The event streams a connection has handed out, so that closing it ends them.
struct EventStreams: ~Copyable {
    var next = 0
    var open: [Int: AsyncStream<DomainLifecycleEvent>.Continuation] = [:]
}

/// A lifecycle event with a usable ``Domain`` handle.
public struct DomainLifecycleEvent: Sendable {
    /// The domain it concerns.
    public let domain: Domain
    /// What happened.
    public let type: DomainEventType
    /// Why.
    public let detail: DomainEventDetail
}
