import VirtError
import XDR

/// `remote_typed_param`: a named value of one of the types `virTypedParameter` carries.
public struct RemoteTypedParameter: XDRCodable, Equatable {
    /// `remote_typed_param_value`: the union on `VIR_TYPED_PARAM_*`.
    public enum Value: Sendable, Equatable {
        /// `VIR_TYPED_PARAM_INT` (1)
        case int(Int32)
        /// `VIR_TYPED_PARAM_UINT` (2)
        case uint(UInt32)
        /// `VIR_TYPED_PARAM_LLONG` (3)
        case llong(Int64)
        /// `VIR_TYPED_PARAM_ULLONG` (4)
        case ullong(UInt64)
        /// `VIR_TYPED_PARAM_DOUBLE` (5)
        case double(Double)
        /// `VIR_TYPED_PARAM_BOOLEAN` (6)
        case boolean(Bool)
        /// `VIR_TYPED_PARAM_STRING` (7)
        case string(String)
    }

    /// `field`: the parameter's name, e.g. `hard_limit`.
    public var field: String
    /// `value`
    public var value: Value

    /// A parameter.
    public init(field: String, value: Value) {
        self.field = field
        self.value = value
    }

    /// Reads the name and the union; an unknown type is a decoding failure.
    public init(xdr d: inout XDRDecoder) throws(VirError) {
        field = try d.decodeString()
        switch try d.decodeInt32() {
        case 1: value = .int(try d.decodeInt32())
        case 2: value = .uint(try d.decodeUInt32())
        case 3: value = .llong(try d.decodeInt64())
        case 4: value = .ullong(try d.decodeUInt64())
        case 5: value = .double(try d.decodeDouble())
        case 6: value = .boolean(try d.decodeBool())
        case 7: value = .string(try d.decodeString())
        case let other: throw XDRDecoder.failure("a typed parameter of type \(other)")
        }
    }

    /// Writes the name, the type and the value.
    public func encode(to e: inout XDREncoder) {
        e.encode(field)
        switch value {
        case .int(let v): e.encode(Int32(1)); e.encode(v)
        case .uint(let v): e.encode(Int32(2)); e.encode(v)
        case .llong(let v): e.encode(Int32(3)); e.encode(v)
        case .ullong(let v): e.encode(Int32(4)); e.encode(v)
        case .double(let v): e.encode(Int32(5)); e.encode(v)
        case .boolean(let v): e.encode(Int32(6)); e.encode(v)
        case .string(let v): e.encode(Int32(7)); e.encode(v)
        }
    }
}
