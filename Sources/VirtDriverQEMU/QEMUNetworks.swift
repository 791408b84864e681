import VirtError
import VirtXML

/// `<interface>` on the command line: a `-netdev` back end (user networking, or a tap device
/// that the driver adds to the bridge) and a NIC front end.
enum QEMUNetworks {
    static func append(_ interfaces: [InterfaceDevice], bootOrder: [String], to line: inout ArgumentList) throws(VirError) {
        for (index, interface) in interfaces.enumerated() {
            switch interface.type {
            case "user":
                line.append("-netdev", "user,id=hostnet\(index)")
            case "bridge", "ethernet":
                guard let tap = interface.targetDev else { throw QEMUCommandLine.unsupported("interface \(index) has no tap device name") }
                guard interface.type == "ethernet" || interface.source != nil else { throw QEMUCommandLine.unsupported("bridge interface \(index) names no bridge") }
                line.append("-netdev", "tap,id=hostnet\(index),ifname=\(QEMUCommandLine.escaped(tap)),script=no,downscript=no")
            default:
                throw QEMUCommandLine.unsupported("interface type '\(interface.type)'")
            }
            var options = ["netdev=hostnet\(index)", "id=net\(index)"]
            if let mac = interface.mac { options.append("mac=\(mac)") }
            if index == 0, let order = bootOrder.firstIndex(of: "network") { options.append("bootindex=\(order + 1)") }
            try line.device(try model(of: interface, machine: line.machine), options.joined(separator: ","))
        }
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
