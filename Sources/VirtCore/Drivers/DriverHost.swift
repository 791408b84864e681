import Synchronization
import VirtError

/// A stateful driver that keeps its domains under a root directory, and that a daemon hosts
/// as well as a program embeds: `lxc:///embed?root=DIR`, `qemu:///embed?root=DIR`.
public protocol RootedDriver: HypervisorDriver {
    /// The root `uri` names: its `embed?root=DIR`, or `systemRoot` for the daemon's own
    /// URI (`DRIVER:///`, `DRIVER:///system`); nil for another driver's URI.
    static func root(of uri: ConnectionURI, systemRoot: String?) throws(VirError) -> String?
    /// The driver of `root`, having adopted the domains still running there and
    /// autostarted the others.
    static func open(root: String) async throws(VirError) -> Self
    /// Whether a driver opening `root` has something to do at once: domains to adopt or to
    /// autostart (``DomainStore/hasDomainsToTend``).
    static func hasDomainsToTend(root: String) -> Bool
    /// Counts one more connection using the driver, which ``HypervisorDriver/close()``
    /// counts down; false if the driver has already let go of its domains (its last
    /// connection closed), and a new one must be opened.
    func acquire() -> Bool
}

extension RootedDriver {
    /// Default: a driver that never lets go.
    public func acquire() -> Bool { true }
}

/// The drivers of one kind in a daemon: one per root, shared by every connection, as
/// libvirtd has one LXC and one QEMU driver for all its clients (so that each domain is
/// watched, and autostarted, once). `DRIVER:///` and `DRIVER:///system` open the daemon's
/// own root; `DRIVER:///embed?root=DIR` another one.
public final class DriverHost<Driver: RootedDriver>: Sendable {
    /// The root of `DRIVER:///`; nil in a program that only embeds drivers.
    public let systemRoot: String?
    /// Whether a driver, once open, stays open with no connection (a daemon's do).
    private let keepsDriversOpen: Bool
    private let drivers = Mutex<[String: Task<Driver, any Error>]>([:])

    /// A host whose `DRIVER:///` keeps its domains under `systemRoot`. Nothing is opened
    /// (and no running domain adopted) before the first connection asks; with
    /// `keepsDriversOpen` a driver then stays open, watching its domains, for good.
    public init(systemRoot: String?, keepsDriversOpen: Bool = false) {
        self.systemRoot = systemRoot
        self.keepsDriversOpen = keepsDriversOpen
    }

    /// The registry entry: the driver of the root `uri` names, opened on first use.
    /// Corresponds to libvirt's `…ConnectOpen` in libvirtd.
    @Sendable public func open(_ uri: ConnectionURI, readOnly: Bool) async throws -> (any HypervisorDriver)? {
        guard let root = try Driver.root(of: uri, systemRoot: systemRoot) else { return nil }
        return try await driver(root: root)
    }

    /// Whether the daemon's own root has domains to adopt or autostart: a daemon opens its
    /// driver at start then, and otherwise leaves it to the first connection.
    public var systemRootHasDomainsToTend: Bool { systemRoot.map(Driver.hasDomainsToTend) ?? false }

    /// The driver of `root`, opened on first use, counted as used once more
    /// (``RootedDriver/acquire()``). Concurrent first uses share one opening; an opening
    /// that failed, or a driver that has let go, is opened anew by the next use.
    public func driver(root: String) async throws(VirError) -> Driver {
        while true {
            let opening = drivers.withLock { drivers in
                if let opening = drivers[root] { return opening }
                let keepsOpen = keepsDriversOpen
                let opening = Task { () async throws -> Driver in
                    let driver = try await Driver.open(root: root)
                    if keepsOpen { _ = driver.acquire() }
                    return driver
                }
                drivers[root] = opening
                return opening
            }
            let driver: Driver
            do {
                driver = try await opening.value
            } catch {
                forget(root, opening)
                throw error as? VirError ?? VirError(.internalError, "\(error)")
            }
            if driver.acquire() { return driver }
            forget(root, opening)
        }
    }

    private func forget(_ root: String, _ opening: Task<Driver, any Error>) {
        drivers.withLock { drivers in
            if drivers[root] == opening { drivers[root] = nil }
        }
    }
}
