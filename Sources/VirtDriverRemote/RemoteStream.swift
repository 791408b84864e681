import Foundation
import Glibc
import Synchronization
import VirtError
import VirtRPC
import VirtSystem

/// A stream of the protocol (a console's) brought to the caller as a socket: the caller gets
/// one end of a socket pair, and the stream carries what it writes there to the daemon, and
/// what the daemon sends back, as STREAM packets under the serial of the call that opened
/// it. Closing the caller's end aborts the stream; the daemon's end of data shuts the
/// caller's end for reading. Like any socket, a write to the caller's end after the stream
/// ended raises SIGPIPE, unless it is sent with MSG_NOSIGNAL or SIGPIPE is ignored.
final class RemoteStream: Sendable {
    /// The caller's end.
    let descriptor: Int32
    /// Ours, while open: the pump closes it when it ends, and the reader thread touches it
    /// only under this lock, so that it never acts on a number reused by another descriptor.
    private let bridge: Mutex<Int32?>
    /// Its number, for the pump's reads (only the pump closes it).
    private let bridgeNumber: Int32
    /// The opening call's program, procedure and serial, once known.
    private let call = Mutex<PacketHeader?>(nil)
    private let ended = Atomic(false)

    /// A stream whose two ends are not yet connected to any call.
    init() throws(VirError) {
        (descriptor, bridgeNumber) = try SocketPair.make(domain: .streams)
        bridge = Mutex(bridgeNumber)
    }

    /// Ties the stream to the call `header` opens, before it is sent, so that no packet of
    /// the daemon's can come before the stream knows it.
    func bind(to header: PacketHeader) {
        call.withLock { $0 = header }
    }

    /// Starts carrying what the caller writes to the daemon with `send`.
    func start(sending send: @escaping @Sendable (Packet) throws(VirError) -> Void) {
        let thread = Thread { [self] in pump(send) }
        thread.stackSize = 128 << 10
        thread.start()
    }

    /// A STREAM packet of the daemon's for this stream (on the client's reader thread).
    /// Returns a packet to send back (the finish that answers the daemon's end of data).
    func receive(_ packet: Packet) -> Packet? {
        switch packet.header.status {
        case .continue where !packet.payload.isEmpty:
            withBridge { try? StreamSocket(descriptor: $0).writeAll(packet.payload) }
            return nil
        case .continue:  // the daemon's end of data: the caller reads its end, then we finish
            withBridge { _ = shutdown($0, Int32(SHUT_WR)) }
            return finish(status: .ok)
        default:  // the daemon's confirmation of our finish or abort, or its error
            withBridge { _ = shutdown($0, Int32(SHUT_RDWR)) }
            return nil
        }
    }

    /// Closes both ends of a stream whose opening call failed (nothing was started).
    func discard() {
        close(descriptor)
        closeBridge()
    }

    /// Ends a started stream on our side: the client's connection ended.
    func abandon() {
        guard !ended.exchange(true, ordering: .acquiringAndReleasing) else { return }
        withBridge { _ = shutdown($0, Int32(SHUT_RDWR)) }
    }

    /// Runs `body` on our end if it is still open.
    private func withBridge(_ body: (Int32) -> Void) {
        bridge.withLock { open in if let open { body(open) } }
    }

    private func closeBridge() {
        bridge.withLock { open in
            if let open { close(open) }
            open = nil
        }
    }

    /// The caller's writes go out as CONTINUE packets; its close aborts the stream.
    private func pump(_ send: @Sendable (Packet) throws(VirError) -> Void) {
        var buffer = [UInt8](repeating: 0, count: 65536)
        defer { closeBridge() }
        while true {
            let count = buffer.withUnsafeMutableBytes { read(bridgeNumber, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                if let abort = finish(status: .error) { try? send(abort) }
                return
            }
            guard let header = call.withLock({ $0 }) else { return }
            let data = Packet(header: PacketHeader(program: header.program, procedure: header.procedure, type: .stream, serial: header.serial,
                                                   status: .continue), payload: Array(buffer.prefix(count)))
            do throws(VirError) {
                try send(data)
            } catch {
                return
            }
        }
    }

    /// The packet that ends the stream from our side (OK finishes, ERROR aborts), once.
    private func finish(status: MessageStatus) -> Packet? {
        guard !ended.exchange(true, ordering: .acquiringAndReleasing), let header = call.withLock({ $0 }) else { return nil }
        return Packet(header: PacketHeader(program: header.program, procedure: header.procedure, type: .stream, serial: header.serial, status: status))
    }
}
