import Glibc
import VirtCore
import VirtError
import VirtSystem
import VirtXML

/// The tap devices behind a domain's bridge and ethernet interfaces, opened by the driver
/// before QEMU starts and passed to it as descriptors, as libvirt's
/// `qemuInterfaceBridgeConnect` does. A tap is not persistent: it disappears, and leaves
/// its bridge, when QEMU's descriptor closes, however QEMU ends.
struct QEMUTaps {
    /// The taps, in the order of the interfaces on them.
    let devices: [TapDevice]
    /// The open `/dev/vhost-net` descriptors, by the place (in `devices`) of the tap each
    /// accelerates.
    let vhostNet: [Int: Int32]

    /// No taps: a domain without tap interfaces.
    static let none = QEMUTaps(devices: [], vhostNet: [:])

    /// Opens a tap for each tap interface of `definition` (``QEMUNetworks/usesTap(_:)``):
    /// `<target dev>`, or the first free `vnetN`, which becomes the interface's `<target
    /// dev>` in `definition` (the live XML). Each joins its bridge, then takes the guest's
    /// MAC with its first byte made 0xFE (so that a bridge never takes the guest's address
    /// as its own) and comes up, in one netlink request; then an ethernet tap takes the
    /// host-side addresses and routes of its `<source>`, as libvirt gives them. On failure,
    /// the taps opened so far are closed (and so gone, with their addresses and routes).
    /// A virtio NIC's tap also gets a vhost-net device, the guest's packets then moved by
    /// the host kernel, not by QEMU: if the host has one, or else, when `<driver
    /// name='vhost'/>` requires it, the start fails with libvirt's error.
    static func open(for definition: inout DomainDefinition) throws(VirError) -> QEMUTaps {
        var devices: [TapDevice] = [], vhostNet: [Int: Int32] = [:]
        do throws(VirError) {
            let indices = definition.devices.interfaces.indices.filter { QEMUNetworks.usesTap(definition.devices.interfaces[$0]) }
            guard !indices.isEmpty else { return .none }
            let host = try RouteNetlink()
            for index in indices {
                let interface = definition.devices.interfaces[index]
                let wanted = try QEMUNetworks.vhostNet(of: interface)
                if wanted != .off {
                    let descriptor = Glibc.open("/dev/vhost-net", O_RDWR | O_CLOEXEC)
                    if descriptor >= 0 {
                        vhostNet[devices.count] = descriptor
                    } else if wanted == .required {
                        throw VirError(.configUnsupported, "vhost-net was requested for an interface, but is unavailable", domain: .qemu)
                    }
                }
                let tap = try TapDevice.open(named: interface.targetDev, vnetHeader: interface.model == "virtio", domain: .qemu)
                devices.append(tap)
                let link = try host.linkIndex(tap.name)
                if interface.type == "bridge", let bridge = interface.source {
                    try HostInterfaces.attach(link, named: tap.name, to: bridge, host: host, domain: .qemu)
                }
                try host.setLink(link, mac: interface.mac.flatMap(MACAddress.init).map(hostSide), up: true)
                try HostInterfaces.configure(link, addresses: interface.hostIPs, routes: interface.hostRoutes, in: host, domain: .qemu)
                definition.devices.interfaces[index].targetDev = tap.name
            }
            return QEMUTaps(devices: devices, vhostNet: vhostNet)
        } catch {
            QEMUTaps(devices: devices, vhostNet: vhostNet).close()
            throw error
        }
    }

    /// Closes this process's descriptors: once QEMU has its own, or to remove the taps.
    func close() {
        for device in devices { device.close() }
        for descriptor in vhostNet.values { Glibc.close(descriptor) }
    }

    /// The tap's own MAC for a guest whose NIC has `mac`: the same but for the first byte,
    /// 0xFE (0xFA if the guest's is 0xFE), as libvirt's `virNetDevTapCreateInBridgePort`.
    private static func hostSide(_ mac: MACAddress) -> MACAddress {
        mac.withFirstByte(mac.bytes[0] == 0xFE ? 0xFA : 0xFE)
    }
}
