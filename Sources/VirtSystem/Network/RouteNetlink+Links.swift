import Glibc
import VirtError

extension RouteNetlink {
    private static let newLink: UInt16 = 16, deleteLink: UInt16 = 17, getLink: UInt16 = 18  // RTM_*LINK
    private static let linkAddress: UInt16 = 1, linkName: UInt16 = 3, linkMTU: UInt16 = 4   // IFLA_*
    private static let linkMaster: UInt16 = 10, linkInfo: UInt16 = 18, linkNamespaceFD: UInt16 = 28
    private static let infoKind: UInt16 = 1, infoData: UInt16 = 2, vethPeer: UInt16 = 1     // IFLA_INFO_*, VETH_INFO_PEER

    /// The longest interface name the kernel takes (`IFNAMSIZ` less the NUL).
    public static let maximumNameLength = 15

    /// Whether `name` can name an interface: 1 to 15 bytes, none of them '/', ':' or white
    /// space, and neither "." nor "..".
    public static func isValid(interfaceName name: String) -> Bool {
        !(name.isEmpty || name.utf8.count > maximumNameLength || name == "." || name == ".."
            || name.contains { $0 == "/" || $0 == ":" || $0.isWhitespace })
    }

    /// The index of the link `name` (`RTM_GETLINK`).
    /// - Throws: `VIR_ERR_SYSTEM_ERROR` with `ENODEV` when there is none.
    public func linkIndex(_ name: String) throws(VirError) -> Int32 {
        var message = NetlinkMessage(type: Self.getLink, header: NetlinkMessage.linkHeader())
        message.attribute(Self.linkName, name)
        guard let reply = try perform(message, "find network interface '\(name)'"), reply.count >= 16 else {
            throw VirError(.internalError, "netlink gave no answer for network interface '\(name)'", domain: .none)
        }
        return reply.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 4, as: Int32.self) }
    }

    /// Creates a veth pair: `name` here, `peer` (with `peerMAC`, if given) in the network
    /// namespace `peerNamespace` refers to (a namespace descriptor). Refused with `EEXIST` if
    /// `name` exists here, or `peer` there.
    public func addVethPair(_ name: String, peer: String, peerMAC: MACAddress? = nil, peerNamespace: Int32) throws(VirError) {
        var message = NetlinkMessage(type: Self.newLink, flags: NetlinkMessage.create | NetlinkMessage.exclusive, header: NetlinkMessage.linkHeader())
        message.attribute(Self.linkName, name)
        message.nested(Self.linkInfo) { info in
            info.attribute(Self.infoKind, "veth")
            info.nested(Self.infoData) { data in
                data.nested(Self.vethPeer) { peerLink in
                    peerLink.raw(NetlinkMessage.linkHeader())
                    peerLink.attribute(Self.linkName, peer)
                    if let peerMAC { peerLink.attribute(Self.linkAddress, peerMAC.bytes) }
                    peerLink.attribute(Self.linkNamespaceFD, UInt32(bitPattern: peerNamespace))
                }
            }
        }
        try perform(message, "unable to create \(name) <-> \(peer) veth pair")
    }

    /// Changes the link `index`: its MAC address, MTU, bridge (`master`), and whether it is up.
    public func setLink(_ index: Int32, mac: MACAddress? = nil, mtu: UInt32? = nil, master: Int32? = nil, up: Bool? = nil) throws(VirError) {
        let upFlag = UInt32(IFF_UP)
        var message = NetlinkMessage(type: Self.newLink, header: NetlinkMessage.linkHeader(
            index: index, flags: up == true ? upFlag : 0, change: up == nil ? 0 : upFlag))
        if let mac { message.attribute(Self.linkAddress, mac.bytes) }
        if let mtu { message.attribute(Self.linkMTU, mtu) }
        if let master { message.attribute(Self.linkMaster, UInt32(bitPattern: master)) }
        let changes = [mac.map { "MAC address \($0)" }, mtu.map { "MTU \($0)" }, master.map { "bridge \($0)" }, up.map { $0 ? "up" : "down" }]
        try perform(message, "set \(changes.compactMap { $0 }.joined(separator: ", ")) on network interface \(index)")
    }

    /// Deletes the link `name` (both ends, for a veth). Returns `false` if there is none.
    @discardableResult
    public func deleteLink(_ name: String) throws(VirError) -> Bool {
        var message = NetlinkMessage(type: Self.deleteLink, header: NetlinkMessage.linkHeader())
        message.attribute(Self.linkName, name)
        do {
            try perform(message, "delete network interface '\(name)'")
            return true
        } catch where error.int1 == ENODEV {
            return false
        }
    }
}
