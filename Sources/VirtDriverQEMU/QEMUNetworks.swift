import VirtError
import VirtXML

/// `<interface>` on the command line: a `-netdev` back end (user networking, or a tap device
/// that the driver opened and passes, ``QEMUTaps``) and a NIC front end.
enum QEMUNetworks {
    /// Appends the interfaces; the K-th one on a tap (bridge or ethernet) takes its tap as
    /// descriptor `launch.firstTapDescriptor` + K, and its vhost-net device, if
    /// `launch.vhostNetTaps` has K, as the next descriptor after the taps and the vhost-net
    /// devices of the taps before it.
    static func append(_ interfaces: [InterfaceDevice], bootOrder: [String], launch: QEMUCommandLine.Launch, to line: inout ArgumentList) throws(VirError) {
        let firstVhostNet = launch.firstTapDescriptor + Int32(interfaces.filter(usesTap).count)
        var taps = 0, vhostNets: Int32 = 0
        for (index, interface) in interfaces.enumerated() {
            // Checked here too, so that a definition no start could take fails as it is built.
            _ = try vhostNet(of: interface)
            try checkUnmodelled(interface)
            switch interface.type {
            case "user":
                line.append("-netdev", (["user,id=hostnet\(index)"] + (try userNetwork(interface))).joined(separator: ","))
            case _ where usesTap(interface):
                var backend = "tap,id=hostnet\(index),fd=\(launch.firstTapDescriptor + Int32(taps))"
                if launch.vhostNetTaps.contains(taps) {
                    backend += ",vhost=on,vhostfd=\(firstVhostNet + vhostNets)"
                    vhostNets += 1
                }
                line.append("-netdev", backend)
                taps += 1
            default:
                throw QEMUCommandLine.unsupported("interface type '\(interface.type)'")
            }
            var options = ["netdev=hostnet\(index)", "id=\(nicID(index))"]
            if let mac = interface.mac { options.append("mac=\(mac)") }
            if index == 0, let order = bootOrder.firstIndex(of: "network") { options.append("bootindex=\(order + 1)") }
            try line.device(try model(of: interface, machine: line.machine), options.joined(separator: ","))
        }
    }

    /// Refuses what an interface says that this driver does not make: elements it keeps
    /// unmodelled (`<mtu>`, `<bandwidth>`, `<boot>`, …; `<driver>` is read by
    /// ``vhostNet(of:)``, `<alias>` names nothing QEMU sees), unknown attributes, and the
    /// guest side's addresses and routes, which QEMU takes from user networking only.
    private static func checkUnmodelled(_ interface: InterfaceDevice) throws(VirError) {
        if let element = interface.extras.elements.first(where: { !["driver", "alias"].contains($0.name) }) {
            throw QEMUCommandLine.unsupported("interface element <\(element.name)>")
        }
        if let attribute = interface.extras.attributes.first {
            throw QEMUCommandLine.unsupported("interface attribute \(attribute.name)='\(attribute.value)'")
        }
        if interface.type != "user", !interface.ips.isEmpty || !interface.routes.isEmpty {
            throw QEMUCommandLine.unsupported("Invalid attempt to set network interface guest-side IP route and/or address info, not supported by QEMU")
        }
    }

    /// The `-netdev user` options of the guest-side `<ip>` addresses, libvirt's checks
    /// first: one IPv4 network (`net=`, prefix 4 to 27) and one IPv6 prefix (`ipv6-prefix=`,
    /// 64 bits), and no routes.
    private static func userNetwork(_ interface: InterfaceDevice) throws(VirError) -> [String] {
        guard interface.routes.isEmpty else {
            throw QEMUCommandLine.unsupported("Invalid attempt to set network interface guest-side IP route, not supported by QEMU")
        }
        var options: [String] = []
        for family in ["ipv4", "ipv6"] {
            let addresses = interface.ips.filter { $0.family == family }
            guard addresses.count <= 1 else {
                throw QEMUCommandLine.unsupported("Only one \(family == "ipv4" ? "IPv4" : "IPv6") address per interface is allowed")
            }
            guard let ip = addresses.first else { continue }
            if family == "ipv4" {
                if let prefix = ip.prefix, prefix > 0, !(4...27).contains(prefix) { throw VirError.xml("invalid prefix, must be in range of 4-27") }
                options.append("net=\(ip.address)" + (ip.prefix.map { $0 > 0 ? "/\($0)" : "" } ?? ""))
            } else {
                if let prefix = ip.prefix, prefix > 0, prefix != 64 {
                    throw QEMUCommandLine.unsupported("unsupported IPv6 address prefix='\(prefix)' - must be 64")
                }
                options.append("ipv6-prefix=\(ip.address)")
                if let prefix = ip.prefix, prefix > 0 { options.append("ipv6-prefixlen=\(prefix)") }
            }
        }
        return options
    }

    /// Whether `interface`'s back end may use the host kernel's vhost-net (`/dev/vhost-net`).
    enum VhostNet {
        /// Never: `<driver name='qemu'/>`, or not a virtio NIC on a tap.
        case off
        /// If the host has it, as libvirt does for a virtio NIC on a tap by default.
        case preferred
        /// Or the start fails: `<driver name='vhost'/>`.
        case required
    }

    /// What `interface`'s `<driver>` asks for, as libvirt reads it. Its attributes but
    /// `name` and a single queue (`queues='1'`), and its children (offload settings), are
    /// refused: this driver does not make them.
    static func vhostNet(of interface: InterfaceDevice) throws(VirError) -> VhostNet {
        let onVirtioTap = usesTap(interface) && interface.model == "virtio"
        guard let driver = interface.extras.elements.first(where: { $0.name == "driver" }) else { return onVirtioTap ? .preferred : .off }
        if let attribute = driver.attributes.first(where: { !($0.name == "name" || $0.name == "queues" && $0.value == "1") }) {
            throw QEMUCommandLine.unsupported("interface driver attribute \(attribute.name)='\(attribute.value)'")
        }
        if let child = driver.elements.first { throw QEMUCommandLine.unsupported("interface driver element <\(child.name)>") }
        switch driver.attribute("name") {
        case nil:
            return onVirtioTap ? .preferred : .off
        case "qemu":
            return .off
        case "vhost":
            guard interface.model == "virtio" else { throw QEMUCommandLine.unsupported("vhost-net is only supported for virtio network interfaces") }
            guard usesTap(interface) else { throw QEMUCommandLine.unsupported("vhost-net on an interface of type '\(interface.type)'") }
            return .required
        case let name?:
            throw QEMUCommandLine.unsupported("interface driver name '\(name)'")
        }
    }

    /// The QEMU device id of the `index`-th interface's NIC, which `set_link` names.
    static func nicID(_ index: Int) -> String { "net\(index)" }

    /// Whether `interface` is backed by a tap device.
    static func usesTap(_ interface: InterfaceDevice) -> Bool {
        interface.type == "bridge" || interface.type == "ethernet"
    }

    /// The NIC's QEMU type: virtio, e1000 or rtl8139 (libvirt's default on x86 PCs).
    private static func model(of interface: InterfaceDevice, machine: QEMUMachine) throws(VirError) -> String {
        switch interface.model ?? (machine.family == .microvm ? "virtio" : "rtl8139") {
        case "virtio": return machine.virtio("net")
        case "e1000" where machine.family != .microvm: return "e1000"
        case "e1000e" where machine.family != .microvm: return "e1000e"
        case "rtl8139" where machine.family != .microvm: return "rtl8139"
        case let model: throw QEMUCommandLine.unsupported("interface model '\(model)' on a \(machine.name) machine")
        }
    }
}
