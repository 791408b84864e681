import Synchronization
import VirtCore
import VirtError
import VirtSystem
import VirtXML

#if canImport(Glibc)
import Glibc
#endif

/// A container's `<interface type='bridge'>` and `<interface type='ethernet'>`: veth pairs
/// whose container end is made straight inside its network namespace, named `<guest dev>`
/// (else `ethK`), with the interface's MAC, addresses and routes; the host end is
/// `<target dev>` (else `vnetN`), in the bridge or, for ethernet, given the `<source>`'s
/// addresses and routes. libvirt's LXC driver does the same in three processes.
enum LXCInterfaces {
    /// The host ends made so far, filled in by ``connect(_:namespace:made:)`` while the
    /// context is created, read by its creator.
    final class HostEnds: Sendable {
        private let names = Mutex<[String]>([])
        func append(_ name: String) { names.withLock { $0.append(name) } }
        var all: [String] { names.withLock { $0 } }
    }

    /// Checks what a definition's interfaces say, as libvirt does when it parses them.
    static func validate(_ interfaces: [InterfaceDevice]) throws(VirError) {
        for interface in interfaces where interface.extras.elements.contains(where: { $0.name == "script" }) {
            throw VirError(.configUnsupported, "scripts are not supported on LXC network interfaces", domain: .lxc)
        }
        try HostInterfaces.validate(interfaces, domain: .lxc)
        let guestNames = guestNames(of: interfaces)
        if let twice = guestNames.first(where: { name in guestNames.filter { $0 == name }.count > 1 }) {
            throw VirError(.configUnsupported, "two interfaces are named '\(twice)' inside the container", domain: .lxc)
        }
    }

    /// Checks, when the container starts, that this driver can make its interfaces: bridge
    /// and ethernet are veth pairs; the others fail with libvirt's errors.
    static func checkTypes(_ interfaces: [InterfaceDevice]) throws(VirError) {
        for interface in interfaces where interface.type != "bridge" && interface.type != "ethernet" {
            switch interface.type {
            case "network":
                throw VirError(.noConnect, "no connection driver available for network:///system", domain: .lxc)
            case "direct":
                throw VirError(.configUnsupported, "interface type 'direct' (macvlan) is not supported by this driver", domain: .lxc)
            default:
                throw VirError(.internalError, "Unsupported network type \(interface.type)", domain: .lxc)
            }
        }
    }

    /// The names inside the container: `<guest dev>`, else `ethK`, K counting the interfaces
    /// without one, in order.
    static func guestNames(of interfaces: [InterfaceDevice]) -> [String] {
        var unnamed = 0
        return interfaces.map { interface in
            if let name = interface.guestDev { return name }
            defer { unnamed += 1 }
            return "eth\(unnamed)"
        }
    }

    /// The definition as the container runs with `hostNames`: each interface with its host
    /// and container names (libvirt's live XML shows both).
    static func live(_ definition: DomainDefinition, hostNames: [String]) -> DomainDefinition {
        var live = definition
        let guestNames = guestNames(of: definition.devices.interfaces)
        for index in live.devices.interfaces.indices where index < hostNames.count {
            live.devices.interfaces[index].targetDev = hostNames[index]
            live.devices.interfaces[index].guestDev = guestNames[index]
        }
        return live
    }

    /// Makes `interfaces` for the container whose network namespace `namespace` refers to,
    /// before its init runs, and records the host ends' names in `made`. On failure it
    /// deletes the pairs it made (deleting the host end deletes both).
    static func connect(_ interfaces: [InterfaceDevice], namespace: Int32, made: HostEnds) throws(VirError) {
        let host = try RouteNetlink()
        let guestNames = guestNames(of: interfaces)
        do throws(VirError) {
            for (interface, guestName) in zip(interfaces, guestNames) {
                let name = try addPair(interface, guestName: guestName, namespace: namespace, host: host)
                made.append(name)
                let index = try host.linkIndex(name)
                if interface.type == "bridge", let bridge = interface.source {
                    try HostInterfaces.attach(index, named: name, to: bridge, host: host, domain: .lxc)
                }
                try host.setLink(index, up: true)
                try HostInterfaces.configure(index, addresses: interface.hostIPs, routes: interface.hostRoutes, in: host, domain: .lxc)
            }
            let inside = try RouteNetlink(namespace: namespace)
            try inside.setLink(try inside.linkIndex("lo"), up: true)
            for (interface, guestName) in zip(interfaces, guestNames) {
                let index = try inside.linkIndex(guestName)
                if !interface.ips.isEmpty || interface.linkState == "up" { try inside.setLink(index, up: true) }
                try HostInterfaces.configure(index, addresses: interface.ips, routes: interface.routes, in: inside, domain: .lxc)
            }
        } catch {
            disconnect(made.all)
            throw error
        }
    }

    /// Deletes the host ends `names` (and so their container ends), if they still exist.
    static func disconnect(_ names: [String]) {
        guard !names.isEmpty, let host = try? RouteNetlink() else { return }
        for name in names { _ = try? host.deleteLink(name) }
    }

    /// Creates the pair of `interface`: its host end named `<target dev>`, or the first free
    /// `vnetN` (the next one if another creator took it meanwhile).
    private static func addPair(_ interface: InterfaceDevice, guestName: String, namespace: Int32, host: RouteNetlink) throws(VirError) -> String {
        let mac = interface.mac.flatMap(MACAddress.init)
        if let name = interface.targetDev {
            try host.addVethPair(name, peer: guestName, peerMAC: mac, peerNamespace: namespace)
            return name
        }
        var skip = 0
        while true {
            let name = freeGeneratedName(skipping: skip)
            do throws(VirError) {
                try host.addVethPair(name, peer: guestName, peerMAC: mac, peerNamespace: namespace)
                return name
            } catch where error.int1 == EEXIST && skip < 64 {
                skip += 1
            }
        }
    }

    /// The `skip`-th `vnetN` that names no interface of this host.
    private static func freeGeneratedName(skipping skip: Int) -> String {
        var number = 0, skipped = 0
        while true {
            let name = "vnet\(number)"
            if access("/sys/class/net/\(name)", F_OK) != 0 {
                if skipped == skip { return name }
                skipped += 1
            }
            number += 1
        }
    }
}
