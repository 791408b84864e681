import VirtError

/// Opens a driver for a URI, or returns `nil` when the URI is not this driver's.
public typealias DriverOpener = @Sendable (_ uri: ConnectionURI, _ readOnly: Bool) async throws -> (any HypervisorDriver)?

/// The drivers a process knows, tried in registration order, as libvirt's
/// `virConnectOpen` walks its driver table.
public struct DriverRegistry: Sendable {
    private var openers: [(name: String, opensMayBlock: Bool, open: DriverOpener)] = []

    /// An empty registry.
    public init() {}

    /// Adds a driver under a short name, which failures to open it mention and which is the
    /// driver part of its URIs. `opensMayBlock` false promises that opening it never blocks
    /// its thread (it reads no more than a small local file).
    public mutating func register(_ name: String, opensMayBlock: Bool = true, _ opener: @escaping DriverOpener) {
        openers.append((name, opensMayBlock, opener))
    }

    /// Whether opening `uri` may block its thread: false only for a driver, named as the
    /// URI's driver, that promised otherwise. A daemon opens the others off its event loop.
    public func openMayBlock(_ uri: String) -> Bool {
        guard let driver = try? ConnectionURI(uri).driver else { return true }
        return openers.first { $0.name == driver }?.opensMayBlock ?? true
    }

    /// Opens the first driver that accepts `uri`; `VIR_ERR_NO_CONNECT` when none does.
    func open(_ uri: ConnectionURI, readOnly: Bool) async throws(VirError) -> any HypervisorDriver {
        for entry in openers {
            do {
                if let driver = try await entry.open(uri, readOnly) { return driver }
            } catch let error as VirError {
                throw error
            } catch {
                throw VirError(.openFailed, "\(entry.name) driver: \(error)")
            }
        }
        throw VirError(.noConnect, uri.text)
    }
}
