import Glibc
import VirtError

extension RouteNetlink {
    private static let newAddress: UInt16 = 20, newRoute: UInt16 = 24                     // RTM_NEW*
    private static let addressPeer: UInt16 = 1, addressLocal: UInt16 = 2, addressBroadcast: UInt16 = 4  // IFA_*
    private static let routeDestination: UInt16 = 1, routeOutput: UInt16 = 4, routeGateway: UInt16 = 5, routePriority: UInt16 = 6  // RTA_*
    private static let mainTable: UInt8 = 254, bootProtocol: UInt8 = 3, universeScope: UInt8 = 0, unicast: UInt8 = 1  // RT_TABLE_MAIN, RTPROT_BOOT, RT_SCOPE_UNIVERSE, RTN_UNICAST

    /// Gives the link `index` the address `address`/`prefix`, with `peer` as the other end
    /// of a point-to-point link if given; an IPv4 address without a peer also gets its
    /// network's broadcast address, as iproute2's `brd +` and libvirt do.
    public func addAddress(_ address: NetworkAddress, prefix: UInt8, peer: NetworkAddress? = nil, to index: Int32) throws(VirError) {
        var header: [UInt8] = [UInt8(address.family.addressFamily), prefix, 0, Self.universeScope]
        withUnsafeBytes(of: UInt32(bitPattern: index)) { header += $0 }
        var message = NetlinkMessage(type: Self.newAddress, flags: NetlinkMessage.create | NetlinkMessage.exclusive, header: header)
        message.attribute(Self.addressLocal, address.bytes)
        message.attribute(Self.addressPeer, (peer ?? address).bytes)
        if address.family == .ipv4, peer == nil, prefix < 31 {
            message.attribute(Self.addressBroadcast, address.broadcast(prefix: prefix).bytes)
        }
        try perform(message, "add address \(address)/\(prefix)\(peer.map { " peer \($0)" } ?? "") to network interface \(index)")
    }

    /// Adds a route to `destination`/`prefix` through `gateway` (in the main table, as
    /// `ip route add` does), with `metric` as its priority if given.
    public func addRoute(to destination: NetworkAddress, prefix: UInt8, via gateway: NetworkAddress, metric: UInt32? = nil) throws(VirError) {
        var header: [UInt8] = [UInt8(destination.family.addressFamily), prefix, 0, 0,
                               Self.mainTable, Self.bootProtocol, Self.universeScope, Self.unicast]
        header += [0, 0, 0, 0]  // rtm_flags
        var message = NetlinkMessage(type: Self.newRoute, flags: NetlinkMessage.create | NetlinkMessage.exclusive, header: header)
        if prefix > 0 { message.attribute(Self.routeDestination, destination.bytes) }
        message.attribute(Self.routeGateway, gateway.bytes)
        if let metric { message.attribute(Self.routePriority, metric) }
        try perform(message, "add route to \(destination)/\(prefix) via \(gateway)")
    }
}
