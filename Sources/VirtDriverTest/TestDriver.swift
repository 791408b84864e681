import Synchronization
import VirtCore
import VirtError
import VirtXML

/// libvirt's test driver, in memory: `test:///default` (one running domain "test", like
/// libvirt's) or `test:///ABSOLUTE/PATH.xml` (a node description in libvirt's test-driver
/// format). Every call of the core API works, including save/restore through a real file,
/// the snapshot tree, vcpu pinning and lifecycle events.
///
/// As in libvirt, every `test:///default` connection of a process shares one instance,
/// which starts afresh once the last such connection has closed.
public final class TestDriver: HypervisorDriver {
    let node: Mutex<TestNode>
    let events = EventBroadcaster()
    private let release: @Sendable () -> Void

    /// Never: every call is a short section under the node's lock (and the files of
    /// save and restore), so a daemon runs them on its event loop.
    public var callsMayBlock: Bool { false }

    init(node: TestNode, release: @escaping @Sendable () -> Void = {}) {
        self.node = Mutex(node)
        self.release = release
    }

    /// The registry entry: accepts `test:///default` and `test:///ABSOLUTE/PATH.xml`
    /// (no transport, no host). Corresponds to libvirt's `testConnectOpen`.
    @Sendable public static func open(_ uri: ConnectionURI, readOnly: Bool) async throws -> (any HypervisorDriver)? {
        guard uri.driver == "test", uri.transport == nil, uri.host.isEmpty else { return nil }
        if uri.path == "/default" {
            return SharedDefaultNode.acquire()
        }
        guard uri.path.hasPrefix("/"), uri.path.count > 1 else {
            throw VirError(.invalidArg, "testOpen: supply a path or use test:///default", domain: .test)
        }
        return TestDriver(node: try TestNodeFile.load(path: uri.path))
    }

    /// Corresponds to `virConnectClose`.
    public func close() async {
        release()
    }

    /// Runs `body` with the node locked, then delivers the events it produced.
    func mutate<R>(_ body: (inout TestNode, inout [DomainEvent]) throws(VirError) -> R) throws(VirError) -> R {
        var produced: [DomainEvent] = []
        let result = try node.withLock { node throws(VirError) in try body(&node, &produced) }
        for event in produced { events.emit(event) }
        return result
    }

    /// Reads the node under the lock.
    func read<R>(_ body: (borrowing TestNode) throws(VirError) -> R) throws(VirError) -> R {
        try node.withLock { node throws(VirError) in try body(node) }
    }

    /// Corresponds to `virConnectDomainEventRegisterAny` for lifecycle events.
    public func lifecycleEvents() async throws -> AsyncStream<DomainEvent> {
        events.subscribe()
    }
}

/// The process-wide `test:///default` instance and its connection count.
enum SharedDefaultNode {
    private struct Slot: ~Copyable {
        var driver: TestDriver?
        var users = 0
    }
    private static let slot = Mutex(Slot())

    static func acquire() -> TestDriver {
        slot.withLock { slot in
            slot.users += 1
            if let driver = slot.driver { return driver }
            let driver = TestDriver(node: DefaultTestNode.make(), release: { SharedDefaultNode.releaseOne() })
            slot.driver = driver
            return driver
        }
    }

    private static func releaseOne() {
        let retired: TestDriver? = slot.withLock { slot in
            slot.users -= 1
            guard slot.users == 0 else { return nil }
            defer { slot.driver = nil }
            return slot.driver
        }
        retired?.events.finish()
    }
}
