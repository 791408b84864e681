/// A netlink request being put together: the header, the family's fixed header, then
/// attributes (type-length-value, each padded to four bytes), which may nest.
struct NetlinkMessage {
    /// The bytes so far; the header's length and sequence number are filled in by
    /// ``finished(sequence:)``.
    private(set) var bytes: [UInt8]

    /// `NLM_F_REQUEST`, `NLM_F_ACK`, `NLM_F_EXCL`, `NLM_F_CREATE`.
    static let request: UInt16 = 0x1, acknowledge: UInt16 = 0x4, exclusive: UInt16 = 0x200, create: UInt16 = 0x400

    /// A request of `type` (`RTM_*`) with `flags` besides `NLM_F_REQUEST | NLM_F_ACK`, whose
    /// fixed header is `header` (an `ifinfomsg`, `ifaddrmsg` or `rtmsg`).
    init(type: UInt16, flags: UInt16 = 0, header: [UInt8]) {
        bytes = []
        append(UInt32(0))  // nlmsg_len
        append(type)
        append(flags | Self.request | Self.acknowledge)
        append(UInt32(0))  // nlmsg_seq
        append(UInt32(0))  // nlmsg_pid: the kernel
        bytes += header
    }

    /// Appends attribute `type` carrying `payload`.
    mutating func attribute(_ type: UInt16, _ payload: [UInt8]) {
        append(UInt16(4 + payload.count))
        append(type)
        bytes += payload
        pad()
    }

    /// Appends attribute `type` carrying a native 32-bit integer.
    mutating func attribute(_ type: UInt16, _ value: UInt32) {
        attribute(type, withUnsafeBytes(of: value) { Array($0) })
    }

    /// Appends attribute `type` carrying a NUL-terminated string.
    mutating func attribute(_ type: UInt16, _ text: String) {
        attribute(type, Array(text.utf8) + [0])
    }

    /// Appends attribute `type` whose payload is what `body` appends (raw bytes, then
    /// attributes).
    mutating func nested(_ type: UInt16, _ body: (inout NetlinkMessage) -> Void) {
        let start = bytes.count
        append(UInt16(0))
        append(type)
        body(&self)
        pad()
        let length = UInt16(bytes.count - start)
        withUnsafeBytes(of: length) { bytes.replaceSubrange(start..<start + 2, with: $0) }
    }

    /// Appends raw bytes, such as a nested message's fixed header.
    mutating func raw(_ payload: [UInt8]) {
        bytes += payload
    }

    /// The message to send, with its length and sequence number.
    func finished(sequence: UInt32) -> [UInt8] {
        var message = bytes
        withUnsafeBytes(of: UInt32(message.count)) { message.replaceSubrange(0..<4, with: $0) }
        withUnsafeBytes(of: sequence) { message.replaceSubrange(8..<12, with: $0) }
        return message
    }

    private mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value) { bytes += $0 }
    }

    private mutating func pad() {
        while bytes.count % 4 != 0 { bytes.append(0) }
    }

    /// An `ifinfomsg`: family unspecified, the link `index` (0: named by `IFLA_IFNAME`), and
    /// the `flags` bits of `change` to set.
    static func linkHeader(index: Int32 = 0, flags: UInt32 = 0, change: UInt32 = 0) -> [UInt8] {
        var header: [UInt8] = [0, 0, 0, 0]  // ifi_family, pad, ifi_type
        for field in [UInt32(bitPattern: index), flags, change] { withUnsafeBytes(of: field) { header += $0 } }
        return header
    }
}
