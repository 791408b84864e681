import VirtError

/// Opens a driver for a URI, or returns `nil` when the URI is not this driver's.
public typealias DriverOpener = @Sendable (_ uri: ConnectionURI, _ readOnly: Bool) async throws -> (any HypervisorDriver)?

/// The drivers a process knows, tried in registration order, as libvirt's
/// `virConnectOpen` walks its driver table.
public struct DriverRegistry: Sendable {
    private var openers: [(name: String, open: DriverOpener)] = []

    /// An empty registry.
    public init() {}

    /// Adds a driver under a short name, which failures to open it mention.
    public mutating func register(_ name: String, _ opener: @escaping DriverOpener) {
        openers.append((name, opener))
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
