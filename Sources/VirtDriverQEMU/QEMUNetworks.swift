import VirtError
import VirtXML

/// `<interface>` on the command line: a `-netdev` back end (user networking, or a tap device
/// that the driver opened and passes, ``QEMUTaps``) and a NIC front end.
enum QEMUNetworks {
    /// Appends the interfaces; the K-th one on a tap (bridge or ethernet) takes its tap as
    /// descriptor `firstTap` + K.
    static func append(_ interfaces: [InterfaceDevice], bootOrder: [String], firstTap: Int32, to line: inout ArgumentList) throws(VirError) {
        var taps: Int32 = 0
        for (index, interface) in interfaces.enumerated() {
            switch interface.type {
            case "user":
                line.append("-netdev", "user,id=hostnet\(index)")
            case _ where usesTap(interface):
                line.append("-netdev", "tap,id=hostnet\(index),fd=\(firstTap + taps)")
                taps += 1
            default:
                throw QEMUCommandLine.unsupported("interface type '\(interface.type)'")
            }
            var options = ["netdev=hostnet\(index)", "id=net\(index)"]
            if let mac = interface.mac { options.append("mac=\(mac)") }
            if index == 0, let order = bootOrder.firstIndex(of: "network") { options.append("bootindex=\(order + 1)") }
            try line.device(try model(of: interface, machine: line.machine), options.joined(separator: ","))
        }
    }

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
