import Synchronization
import VirtCore
import VirtError

/// The container drivers of a daemon: one ``LXCDriver`` per root, shared by every
/// connection, as libvirtd has one LXC driver for all its clients (so that each container is
/// watched, and autostarted, once). `lxc:///` and `lxc:///system` open the daemon's own root;
/// `lxc:///embed?root=DIR` another one.
public final class LXCDriverHost: Sendable {
    /// The root of `lxc:///`.
    public let systemRoot: String
    private let drivers = Mutex<[String: LXCDriver]>([:])

    /// A host whose `lxc:///` keeps its domains under `systemRoot`. Nothing is opened (and
    /// no running container adopted) before the first connection asks.
    public init(systemRoot: String) {
        self.systemRoot = systemRoot
    }

    /// The registry entry: the driver of the root `uri` names, made on first use.
    /// Corresponds to libvirt's `lxcConnectOpen` in libvirtd.
    @Sendable public func open(_ uri: ConnectionURI, readOnly: Bool) async throws -> (any HypervisorDriver)? {
        guard let root = try LXCDriver.root(of: uri, systemRoot: systemRoot) else { return nil }
        return try driver(root: root)
    }

    /// Whether `root` has containers to adopt or domains to autostart: a daemon opens its
    /// driver at start then, and otherwise leaves it to the first connection, not loading
    /// what it does not need.
    public func hasDomainsToTend(root: String) -> Bool {
        LXCStore(root: root).hasDomainsToTend
    }

    /// The driver of `root`, opened (adopting its running containers) on first use.
    public func driver(root: String) throws(VirError) -> LXCDriver {
        try drivers.withLock { (drivers) throws(VirError) -> LXCDriver in
            if let open = drivers[root] { return open }
            let opened = try LXCDriver(root: root)
            drivers[root] = opened
            return opened
        }
    }
}
