import VirtError
import VirtSystem
import VirtXML

#if canImport(Glibc)
import Glibc
#endif

/// What the container and QEMU drivers share about `<interface type='bridge'>` and
/// `<interface type='ethernet'>`, whose host end is a device of this host (a veth end or a
/// tap): the checks libvirt makes when it parses them, and adding the host end to a bridge.
public enum HostInterfaces {
    /// Checks what `interfaces` say, as libvirt does when it parses them: a unicast MAC, a
    /// bridge named by a bridge interface, a link state of `up` or `down`, and device names
    /// the kernel takes. Errors carry `domain`.
    public static func validate(_ interfaces: [InterfaceDevice], domain: ErrorDomain) throws(VirError) {
        for interface in interfaces {
            if let text = interface.mac {
                guard let mac = MACAddress(text) else { throw VirError.xml("unable to parse mac address '\(text)'") }
                if mac.isMulticast { throw VirError.xml("expected unicast mac address, found multicast '\(text)'") }
            }
            if interface.type == "bridge", interface.source == nil {
                throw VirError.xml("Missing required attribute 'bridge' in element 'source'")
            }
            if let state = interface.linkState, state != "up", state != "down" {
                throw VirError.xml("Invalid value for attribute 'state' in element 'link': '\(state)'.")
            }
            let bridge = interface.type == "bridge" ? interface.source : nil
            for name in [interface.targetDev, interface.guestDev, bridge].compactMap({ $0 }) where !RouteNetlink.isValid(interfaceName: name) {
                throw VirError(.configUnsupported, "'\(name)' is not a valid network interface name", domain: domain)
            }
        }
    }

    /// Puts the host end `index`, named `name`, into `bridge`, with libvirt's message when
    /// that fails (`VIR_ERR_SYSTEM_ERROR`: no such device, or not a bridge).
    public static func attach(_ index: Int32, named name: String, to bridge: String, host: RouteNetlink, domain: ErrorDomain) throws(VirError) {
        let code: Int32
        if access("/sys/class/net/\(bridge)", F_OK) != 0 {
            code = ENODEV
        } else if access("/sys/class/net/\(bridge)/bridge", F_OK) != 0 {
            code = EOPNOTSUPP
        } else {
            do throws(VirError) {
                return try host.setLink(index, master: try host.linkIndex(bridge))
            } catch {
                code = error.int1 != 0 ? error.int1 : EINVAL
            }
        }
        throw Syscall.error("Unable to add bridge \(bridge) port \(name)", errno: code, domain: domain)
    }

    /// Gives the link `index` of `netlink`'s namespace `addresses` (each with its prefix, or
    /// its class's, and its peer) and adds `routes` through them: a host end's
    /// `<source><ip/><route/></source>`, or a container end's `<ip/>` and `<route/>`. Errors
    /// carry `domain`.
    public static func configure(_ index: Int32, addresses: [InterfaceDevice.IPAddress], routes: [InterfaceDevice.Route],
                                 in netlink: RouteNetlink, domain: ErrorDomain) throws(VirError) {
        for ip in addresses {
            guard let address = NetworkAddress(ip.address), let prefix = ip.effectivePrefix else {
                throw VirError(.internalError, "Failed to determine prefix for IP address '\(ip.address)'", domain: domain)
            }
            try netlink.addAddress(address, prefix: UInt8(prefix), peer: ip.peer.flatMap(NetworkAddress.init), to: index)
        }
        for route in routes {
            guard let destination = NetworkAddress(route.address), let gateway = NetworkAddress(route.gateway) else {
                throw VirError(.internalError, "route to '\(route.address)' via '\(route.gateway)' has an invalid address", domain: domain)
            }
            try netlink.addRoute(to: destination, prefix: UInt8(route.effectivePrefix), via: gateway, metric: route.metric ?? 1)
        }
    }
}
