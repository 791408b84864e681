import VirtError
import XDR

/// `virNetMessageHeader`: the 24 bytes after a frame's length word.
public struct PacketHeader: Sendable, Equatable {
    /// The header's size on the wire.
    public static let size = 24

    /// `prog`
    public var program: RPCProgram
    /// `vers`
    public var version: UInt32
    /// `proc`: the procedure within the program.
    public var procedure: Int32
    /// `type`
    public var type: MessageType
    /// `serial`: a call's number, echoed by its reply and its stream's packets.
    public var serial: UInt32
    /// `status`
    public var status: MessageStatus

    /// A header.
    public init(program: RPCProgram, version: UInt32 = RPCProgram.version, procedure: Int32, type: MessageType,
                serial: UInt32, status: MessageStatus = .ok) {
        self.program = program
        self.version = version
        self.procedure = procedure
        self.type = type
        self.serial = serial
        self.status = status
    }

    /// Reads a header; an unknown type or status is a decoding failure.
    public init(xdr d: inout XDRDecoder) throws(VirError) {
        program = RPCProgram(rawValue: try d.decodeUInt32())
        version = try d.decodeUInt32()
        procedure = try d.decodeInt32()
        let typeNumber = try d.decodeInt32()
        guard let type = MessageType(rawValue: typeNumber) else { throw XDRDecoder.failure("message type \(typeNumber)") }
        self.type = type
        serial = try d.decodeUInt32()
        let statusNumber = try d.decodeInt32()
        guard let status = MessageStatus(rawValue: statusNumber) else { throw XDRDecoder.failure("message status \(statusNumber)") }
        self.status = status
    }

    /// Writes the header.
    public func encode(to e: inout XDREncoder) {
        e.encode(program.rawValue)
        e.encode(version)
        e.encode(procedure)
        e.encode(type.rawValue)
        e.encode(serial)
        e.encode(status.rawValue)
    }

    /// The header of the reply to this call: the same program, version, procedure and
    /// serial (`REPLY_WITH_FDS` when descriptors go with it).
    public func reply(status: MessageStatus = .ok, withDescriptors: Bool = false) -> PacketHeader {
        PacketHeader(program: program, version: version, procedure: procedure,
                     type: withDescriptors ? .replyWithFDs : .reply, serial: serial, status: status)
    }
}
