import FoundationEssentials
import Glibc
import JSON
import QMP
import Synchronization
import VirtCore
import VirtError
import VirtSystem

/// Finds a binary's ``QEMUCapabilities`` by asking it over QMP (`-machine none`, about
/// 0.1 s here), once per binary: the answer is cached on disk under the driver's root, keyed
/// by the binary's identity (device, inode, size, change time), and in memory. libvirt asks
/// hundreds of questions each time its cache is cold; this asks four.
final class QEMUCapabilityProbe: Sendable {
    private let cacheDirectory: String
    private let known = Mutex<[String: Cached]>([:])

    private struct Cached: Codable, Sendable {
        var identity: String
        var capabilities: QEMUCapabilities
    }

    init(cacheDirectory: String) {
        self.cacheDirectory = cacheDirectory
    }

    /// The capabilities of `emulator`, probed only if neither cache has them for the binary
    /// as it is now.
    func capabilities(of emulator: String) async throws(VirError) -> QEMUCapabilities {
        let identity = try Self.identity(of: emulator)
        if let cached = known.withLock({ $0[emulator] }), cached.identity == identity { return cached.capabilities }
        let file = cacheDirectory + "/" + emulator.split(separator: "/").joined(separator: "_") + ".json"
        if let data = try? SystemFile.read(file), let cached = try? JSONDecoder().decode(Cached.self, from: Data(data.utf8)), cached.identity == identity {
            known.withLock { $0[emulator] = cached }
            return cached.capabilities
        }
        let capabilities = try await Self.probe(emulator)
        let cached = Cached(identity: identity, capabilities: capabilities)
        known.withLock { $0[emulator] = cached }
        if let encoded = try? JSONEncoder().encode(cached) {
            try? AtomicFile.replace(file, with: Array(encoded), durable: false, domain: .qemu)
        }
        return capabilities
    }

    /// What identifies the binary's current contents without reading them.
    private static func identity(of emulator: String) throws(VirError) -> String {
        var status = stat()
        guard stat(emulator, &status) == 0 else {
            throw VirError(.invalidArg, "Cannot find QEMU binary \(emulator): \(String(cString: strerror(errno)))", domain: .qemu)
        }
        guard status.st_mode & S_IFMT == S_IFREG, access(emulator, X_OK) == 0 else {
            throw VirError(.invalidArg, "QEMU binary \(emulator) is not executable", domain: .qemu)
        }
        return "\(status.st_dev):\(status.st_ino):\(status.st_size):\(status.st_ctim.tv_sec).\(status.st_ctim.tv_nsec)"
    }

    /// Runs `emulator -machine none` with its monitor on a socket pair and asks it.
    private static func probe(_ emulator: String) async throws(VirError) -> QEMUCapabilities {
        let (ours, theirs) = try SocketPair.make(domain: .qemu)
        var plan = SpawnPlan(path: emulator, "-machine", "none", "-nodefaults", "-nographic", "-display", "none", "-no-user-config", "-qmp", "stdio")
        let null = open("/dev/null", O_RDWR | O_CLOEXEC)
        defer { if null >= 0 { close(null) } }
        plan.descriptors = [0: theirs, 1: theirs, 2: null]
        let child: ChildProcess
        do throws(VirError) {
            child = try Spawner.spawn(plan)
            close(theirs)
        } catch {
            close(theirs)
            close(ours)
            throw error
        }
        do throws(VirError) {
            let monitor = try await QMPMonitor(socket: StreamSocket(descriptor: ours), timeout: .seconds(10))
            defer { monitor.close() }
            let version = try await monitor.execute("query-version", timeout: .seconds(10))
            let machines = try await monitor.execute("query-machines", timeout: .seconds(10))
            let types = try await monitor.execute("qom-list-types", arguments: .object(["abstract": .bool(false)]), timeout: .seconds(10))
            let kvm = try await monitor.execute("query-kvm", timeout: .seconds(10))
            _ = try? await monitor.execute("quit", timeout: .seconds(5))
            _ = try await child.wait()
            return capabilities(emulator: emulator, version: version, machines: machines, types: types, kvm: kvm)
        } catch {
            try? child.signal(SIGKILL)
            _ = try? await child.wait()
            throw VirError(.internalError, "cannot probe the capabilities of \(emulator): \(error.message)", domain: .qemu)
        }
    }

    /// The capabilities in the answers of `query-version`, `query-machines`, `qom-list-types`
    /// and `query-kvm`.
    static func capabilities(emulator: String, version: JSONValue, machines: JSONValue, types: JSONValue, kvm: JSONValue) -> QEMUCapabilities {
        let qemu = version["qemu"]
        let number = (qemu?["major"]?.uint64Value ?? 0) * 1_000_000 + (qemu?["minor"]?.uint64Value ?? 0) * 1_000 + (qemu?["micro"]?.uint64Value ?? 0)
        let machineList = (machines.arrayValue ?? []).compactMap { machine -> QEMUCapabilities.Machine? in
            guard let name = machine["name"]?.stringValue else { return nil }
            return QEMUCapabilities.Machine(name: name, alias: machine["alias"]?.stringValue, isDefault: machine["is-default"]?.boolValue ?? false,
                                            maximumCPUs: Int(machine["cpu-max"]?.int64Value ?? 1), hotpluggableCPUs: machine["hotpluggable-cpus"]?.boolValue ?? false)
        }
        let typeNames = Set((types.arrayValue ?? []).compactMap { $0["name"]?.stringValue })
        return QEMUCapabilities(emulator: emulator, version: number, package: version["package"]?.stringValue ?? "",
                                machines: machineList, types: typeNames, kvm: kvm["present"]?.boolValue ?? false)
    }
}
