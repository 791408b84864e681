import CVirtShim
import Glibc
import VirtError

/// A `NETLINK_ROUTE` socket of one network namespace: links, addresses and routes, set up
/// the way iproute2 does, without running it.
///
/// Each request is acknowledged before the next is sent, and a refusal becomes a
/// `VIR_ERR_SYSTEM_ERROR` with the kernel's errno and, where it gives one, its own words
/// (extended acknowledgements).
public final class RouteNetlink {
    private let socket: Int32
    private var sequence: UInt32 = 0

    /// A socket of the calling thread's network namespace, or of the one `namespace` (a
    /// namespace descriptor, `/proc/PID/ns/net`) refers to: a container's, say.
    public init(namespace: Int32? = nil) throws(VirError) {
        let type = Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        if let namespace {
            socket = try Syscall.call("open a netlink socket in a network namespace") {
                cvs_socket_in_netns(namespace, AF_NETLINK, type, Self.routeProtocol)
            }
        } else {
            socket = try Syscall.call("open a netlink socket") { Glibc.socket(AF_NETLINK, type, Self.routeProtocol) }
        }
        var on: Int32 = 1
        for option in [Self.extendedAcknowledgements, Self.cappedAcknowledgements] {
            _ = setsockopt(socket, Self.netlinkLevel, option, &on, socklen_t(MemoryLayout<Int32>.size))
        }
    }

    deinit { close(socket) }

    private static let routeProtocol: Int32 = 0          // NETLINK_ROUTE
    private static let netlinkLevel: Int32 = 270         // SOL_NETLINK
    private static let cappedAcknowledgements: Int32 = 10  // NETLINK_CAP_ACK
    private static let extendedAcknowledgements: Int32 = 11  // NETLINK_EXT_ACK
    private static let errorMessage: UInt16 = 2          // NLMSG_ERROR
    private static let acknowledgementHasAttributes: UInt16 = 0x200  // NLM_F_ACK_TLVS
    private static let errorTextAttribute: UInt16 = 1    // NLMSGERR_ATTR_MSG

    /// Sends `message` and waits for its acknowledgement; returns the payload (after the
    /// netlink header) of the reply that came before it, if any (a `RTM_GETLINK` answer).
    /// - Parameter what: what the request does, for the error ("add address 10.0.0.2/24 to eth0").
    @discardableResult
    func perform(_ message: NetlinkMessage, _ what: @autoclosure () -> String) throws(VirError) -> [UInt8]? {
        sequence &+= 1
        let request = message.finished(sequence: sequence)
        let sent = request.withUnsafeBytes { send(socket, $0.baseAddress, $0.count, 0) }
        guard sent == request.count else { throw Syscall.error("\(what()): send to netlink", errno: errno) }
        var reply: [UInt8]? = nil
        var buffer = [UInt8](repeating: 0, count: 32768)
        while true {
            let count = try Syscall.call("\(what()): receive from netlink") {
                buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            }
            var offset = 0
            while offset + 16 <= count {
                let length = Int(Self.read(UInt32.self, buffer, offset))
                let type = Self.read(UInt16.self, buffer, offset + 4), flags = Self.read(UInt16.self, buffer, offset + 6)
                guard length >= 16, offset + length <= count else { break }
                if Self.read(UInt32.self, buffer, offset + 8) == sequence {
                    guard type == Self.errorMessage else {
                        reply = Array(buffer[offset + 16..<offset + length])
                        offset += (length + 3) & ~3
                        continue
                    }
                    let code = -Self.read(Int32.self, buffer, offset + 16)
                    guard code == 0 else {
                        let detail = flags & Self.acknowledgementHasAttributes != 0 ? Self.errorText(buffer[offset + 36..<offset + length]) : nil
                        var error = Syscall.error(what(), errno: code)
                        if let detail { error.message += " (\(detail))" }
                        throw error
                    }
                    return reply
                }
                offset += (length + 3) & ~3
            }
        }
    }

    /// The text of an extended acknowledgement's `NLMSGERR_ATTR_MSG`, if it has one.
    private static func errorText(_ attributes: ArraySlice<UInt8>) -> String? {
        let bytes = Array(attributes)
        var offset = 0
        while offset + 4 <= bytes.count {
            let length = Int(read(UInt16.self, bytes, offset))
            guard length >= 4, offset + length <= bytes.count else { return nil }
            if read(UInt16.self, bytes, offset + 2) == errorTextAttribute {
                return String(decoding: bytes[offset + 4..<offset + length].prefix { $0 != 0 }, as: UTF8.self)
            }
            offset += (length + 3) & ~3
        }
        return nil
    }

    private static func read<T: FixedWidthInteger>(_: T.Type, _ bytes: [UInt8], _ offset: Int) -> T {
        bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: T.self) }
    }
}
