/// Writes values in XDR (RFC 4506) as libvirt's RPC protocol uses it: big-endian, every
/// item a multiple of 4 bytes, `char` and `short` widened to 4 bytes.
public struct XDREncoder: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8]

    /// An empty encoder with room for `capacity` bytes.
    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// `int`, `enum`, `bool`, and the widened `char`/`short`.
    public mutating func encode(_ value: Int32) { encode(UInt32(bitPattern: value)) }

    /// `unsigned int`.
    public mutating func encode(_ value: UInt32) {
        bytes.append(UInt8(truncatingIfNeeded: value >> 24))
        bytes.append(UInt8(truncatingIfNeeded: value >> 16))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    /// `hyper`.
    public mutating func encode(_ value: Int64) { encode(UInt64(bitPattern: value)) }

    /// `unsigned hyper`.
    public mutating func encode(_ value: UInt64) {
        encode(UInt32(truncatingIfNeeded: value >> 32))
        encode(UInt32(truncatingIfNeeded: value))
    }

    /// `double`: IEEE 754, big-endian.
    public mutating func encode(_ value: Double) { encode(value.bitPattern) }

    /// `bool` as libvirt's `int` (0 or 1).
    public mutating func encode(_ value: Bool) { encode(Int32(value ? 1 : 0)) }

    /// `string<>`: the byte length, the UTF-8 bytes (no NUL), zero padding to 4.
    public mutating func encode(_ value: String) {
        var text = value
        text.withUTF8 { encodeVariableOpaque($0) }
    }

    /// Variable `opaque<>`: the length, the bytes, zero padding to 4.
    public mutating func encodeVariableOpaque<Bytes: Collection<UInt8>>(_ value: Bytes) {
        encode(UInt32(value.count))
        encodeFixedOpaque(value)
    }

    /// Fixed `opaque[N]`: the bytes and zero padding to 4, no length.
    public mutating func encodeFixedOpaque<Bytes: Collection<UInt8>>(_ value: Bytes) {
        bytes.append(contentsOf: value)
        let padding = (4 - value.count % 4) % 4
        for _ in 0..<padding { bytes.append(0) }
    }

    /// An optional value (`T *`): 0, or 1 and the value.
    public mutating func encodeOptional<T>(_ value: T?, _ encodeValue: (inout XDREncoder, T) -> Void) {
        guard let value else { return encode(UInt32(0)) }
        encode(UInt32(1))
        encodeValue(&self, value)
    }

    /// A variable array (`T<N>`): the count, then the elements.
    public mutating func encodeArray<T>(_ values: [T], _ encodeElement: (inout XDREncoder, T) -> Void) {
        encode(UInt32(values.count))
        for value in values { encodeElement(&self, value) }
    }

    /// Appends `raw` as it is (a stream's data, which is not XDR).
    public mutating func append<Bytes: Collection<UInt8>>(raw: Bytes) {
        bytes.append(contentsOf: raw)
    }

    /// Overwrites the 4 bytes at `offset` with `value` (a length known only at the end).
    public mutating func patch(_ value: UInt32, at offset: Int) {
        bytes[offset] = UInt8(truncatingIfNeeded: value >> 24)
        bytes[offset + 1] = UInt8(truncatingIfNeeded: value >> 16)
        bytes[offset + 2] = UInt8(truncatingIfNeeded: value >> 8)
        bytes[offset + 3] = UInt8(truncatingIfNeeded: value)
    }
}
