import VirtError
import XDR

/// One message of the protocol: a header and its XDR payload. On the wire it is framed by
/// a 4-byte big-endian length that counts itself (`virNetMessage`).
public struct Packet: Sendable, Equatable {
    /// The smallest length word: the word itself and a header.
    public static let minimumLength = 4 + PacketHeader.size
    /// The largest length word libvirt 9.0.0 accepts (`VIR_NET_MESSAGE_MAX` + 4; a longer one
    /// makes libvirtd drop the connection).
    public static let maximumLength = 33_554_436
    /// The most descriptors one message may carry (`VIR_NET_MESSAGE_NUM_FDS_MAX`).
    public static let maximumDescriptors = 32

    /// The header.
    public var header: PacketHeader
    /// The payload after the header (for `*_WITH_FDS`, starting with the descriptor count).
    public var payload: [UInt8]
    /// The descriptors that travel with a `*_WITH_FDS` packet, owned by whoever holds the
    /// packet: the receiver of a call, the writer of a reply, which closes them once sent.
    public var descriptors: [Int32]

    /// A packet.
    public init(header: PacketHeader, payload: [UInt8] = [], descriptors: [Int32] = []) {
        self.header = header
        self.payload = payload
        self.descriptors = descriptors
    }

    /// A packet whose payload is `body`, with `descriptors` going along. A `*_WITH_FDS`
    /// packet's payload starts with their count, as libvirt encodes it.
    public init(header: PacketHeader, body: some XDRCodable, descriptors: [Int32] = []) {
        var encoder = XDREncoder(capacity: 64)
        if header.type.carriesDescriptors { encoder.encode(UInt32(descriptors.count)) }
        body.encode(to: &encoder)
        self.init(header: header, payload: encoder.bytes, descriptors: descriptors)
    }

    /// The whole frame: the length word, the header, the payload.
    public var frame: [UInt8] {
        var encoder = XDREncoder(capacity: Self.minimumLength + payload.count)
        encoder.encode(UInt32(Self.minimumLength + payload.count))
        header.encode(to: &encoder)
        encoder.append(raw: payload)
        return encoder.bytes
    }

    /// Checks a frame's length word, as a receiver must before reading the rest.
    public static func checkLength(_ length: UInt32) throws(VirError) {
        guard length >= minimumLength, length <= maximumLength else {
            throw VirError(code: .rpc, domain: .rpc,
                           message: "RPC packet length \(length) is outside \(minimumLength)...\(maximumLength)")
        }
    }

    /// Parses a frame body: the bytes after the length word.
    public init(frameBody bytes: [UInt8]) throws(VirError) {
        var decoder = XDRDecoder(bytes)
        header = try PacketHeader(xdr: &decoder)
        payload = decoder.decodeRest()
        descriptors = []
    }

    /// Decodes the payload as `T`, refusing leftovers. For `*_WITH_FDS` packets, the
    /// descriptor count is skipped (``descriptorCount()`` reads it).
    public func decode<T: XDRCodable>(_: T.Type = T.self) throws(VirError) -> T {
        let start = header.type.carriesDescriptors ? 4 : 0
        guard payload.count >= start else { throw XDRDecoder.failure("a descriptor count") }
        return try T(xdrBytes: payload, range: start..<payload.count)
    }

    /// How many descriptors follow a `*_WITH_FDS` frame (0 for other types).
    public func descriptorCount() throws(VirError) -> Int {
        guard header.type.carriesDescriptors else { return 0 }
        var decoder = XDRDecoder(payload)
        return try decoder.decodeCount(maximum: Self.maximumDescriptors, "a descriptor count")
    }
}
