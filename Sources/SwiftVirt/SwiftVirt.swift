#if canImport(Glibc)
import Glibc
#endif
@_exported import VirtCore
@_exported import VirtError
@_exported import VirtXML
import VirtDriverLXC
import VirtDriverQEMU
import VirtDriverRemote
import VirtDriverTest

extension DriverRegistry {
    /// The drivers built into SwiftVirt: `test:///` (in memory), the remote driver (any
    /// `DRIVER+unix://` or `DRIVER+tcp://` URI, and plain `lxc:///` and `qemu:///system`,
    /// which virtd serves), `lxc:///embed?root=DIR` (containers on security contexts, in the
    /// calling process) and `qemu:///embed?root=DIR` (QEMU/KVM machines driven from the
    /// calling process).
    public static let builtIn: DriverRegistry = {
        var registry = DriverRegistry()
        registry.register("test", TestDriver.open)
        registry.register("remote", RemoteDriver.open)
        registry.register("lxc", LXCDriver.open)
        registry.register("qemu", QEMUDriver.open)
        return registry
    }()
}

extension Connection {
    /// The URI used when none is given: `LIBVIRT_DEFAULT_URI` if set, else the embedded
    /// `test:///default`, which needs no daemon.
    public static var defaultURI: String {
        if let value = getenv("LIBVIRT_DEFAULT_URI"), let text = String(validatingCString: value), !text.isEmpty {
            return text
        }
        return "test:///default"
    }

    /// Opens `uri` (or ``defaultURI``) with SwiftVirt's built-in drivers.
    /// Corresponds to `virConnectOpen` and, with `readOnly`, `virConnectOpenReadOnly`.
    public static func open(_ uri: String? = nil, readOnly: Bool = false) async throws(VirError) -> Connection {
        try await open(uri ?? defaultURI, readOnly: readOnly, drivers: .builtIn)
    }
}
