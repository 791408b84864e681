/// The programs libvirt's RPC protocol multiplexes on one connection (`prog` of the header).
public struct RPCProgram: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The program number.
    public var rawValue: UInt32
    /// Wraps a program number.
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// The number, as libvirt prints it in "Cannot find program N version V".
    public var description: String { "\(rawValue)" }

    /// `REMOTE_PROGRAM`: the main API.
    public static let remote = Self(rawValue: 0x2000_8086)
    /// `QEMU_PROGRAM`: monitor and agent commands.
    public static let qemu = Self(rawValue: 0x2000_8087)
    /// `LXC_PROGRAM`: the container calls.
    public static let lxc = Self(rawValue: 0x0006_8000)
    /// `KEEPALIVE_PROGRAM` ("keep").
    public static let keepalive = Self(rawValue: 0x6b65_6570)
    /// The version of every program above (`*_PROTOCOL_VERSION`).
    public static let version: UInt32 = 1
}

/// `virNetMessageType`: what a packet is.
public enum MessageType: Int32, Sendable {
    /// A client's call.
    case call = 0
    /// The answer to a call, with its serial.
    case reply = 1
    /// An asynchronous message: an event, or keepalive.
    case message = 2
    /// Data of a stream, or its end or abort.
    case stream = 3
    /// A call followed by file descriptors.
    case callWithFDs = 4
    /// A reply followed by file descriptors.
    case replyWithFDs = 5
    /// A hole in a sparse stream.
    case streamHole = 6

    /// Whether the payload starts with a count of descriptors that follow the frame.
    public var carriesDescriptors: Bool { self == .callWithFDs || self == .replyWithFDs }
}

/// `virNetMessageStatus`.
public enum MessageStatus: Int32, Sendable {
    /// Success; for a stream, its end.
    case ok = 0
    /// Failure: the payload is a `remote_error` (empty in a client's stream abort).
    case error = 1
    /// More stream data follows.
    case `continue` = 2
}
