import VirtError

/// A type with an XDR form: the structs of libvirt's protocol.
public protocol XDRCodable: Sendable {
    /// Reads the value.
    init(xdr decoder: inout XDRDecoder) throws(VirError)
    /// Writes the value.
    func encode(to encoder: inout XDREncoder)
}

/// The `void` payload.
public struct XDRVoid: XDRCodable, Equatable {
    /// The empty payload.
    public init() {}
    /// Reads nothing.
    public init(xdr decoder: inout XDRDecoder) throws(VirError) {}
    /// Writes nothing.
    public func encode(to encoder: inout XDREncoder) {}
}

extension XDRCodable {
    /// The value's XDR bytes.
    public var xdrBytes: [UInt8] {
        var encoder = XDREncoder()
        encode(to: &encoder)
        return encoder.bytes
    }

    /// Decodes a whole payload, refusing bytes left over.
    public init(xdrBytes bytes: [UInt8], range: Range<Int>? = nil) throws(VirError) {
        var decoder = XDRDecoder(bytes, range: range)
        self = try Self(xdr: &decoder)
        try decoder.finish()
    }
}
