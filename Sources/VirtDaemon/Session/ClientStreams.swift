import Glibc
import Synchronization
import VirtError
import VirtRPC
import VirtSystem

/// The streams a client has open (libvirtd's `daemonClientStream`): each belongs to the
/// serial of the call that opened it (a console's 201) and carries the bytes of one
/// descriptor both ways, as STREAM packets under that serial.
///
/// - What the descriptor gives goes to the client as CONTINUE packets; its end as an empty
///   CONTINUE, after which the stream waits for the client to finish it.
/// - The client's CONTINUE packets are written to the descriptor; its OK (finish) and ERROR
///   (abort) close the stream and are confirmed with an empty OK, as libvirtd confirms them.
/// - Packets for a serial with no stream are ignored: they may cross a stream's end.
final class ClientStreams: Sendable {
    /// The most bytes one data packet carries, as libvirtd sends them.
    static let chunk = 262_120

    private struct Stream {
        /// The header of the call that opened it: program, procedure and serial.
        let call: PacketHeader
        /// What the stream carries; nil once its end was sent.
        var descriptor: Int32?
    }
    private let streams = Mutex<[UInt32: Stream]>([:])

    /// Opens a stream on `descriptor` (now the stream's) for the call `call`.
    func open(for call: PacketHeader, descriptor: Int32) {
        let flags = fcntl(descriptor, F_GETFL)
        if flags >= 0 { _ = fcntl(descriptor, F_SETFL, flags & ~O_NONBLOCK) }
        let replaced = streams.withLock { streams in
            defer { streams[call.serial] = Stream(call: call, descriptor: descriptor) }
            return streams[call.serial]?.descriptor
        }
        if let replaced { close(replaced) }
    }

    /// The descriptors with data still to send, by the serial of their stream.
    var readable: [(serial: UInt32, descriptor: Int32)] {
        streams.withLock { streams in streams.compactMap { serial, stream in stream.descriptor.map { (serial, $0) } } }
    }

    /// Reads what the descriptor of stream `serial` has into `buffer` (the session's, grown
    /// to ``chunk`` once) and packs it for the client: data, the end of the data, or the
    /// error that ended the stream.
    func pump(_ serial: UInt32, buffer: inout [UInt8]) -> Packet? {
        guard let stream = streams.withLock({ $0[serial] }), let descriptor = stream.descriptor else { return nil }
        if buffer.count < Self.chunk { buffer = [UInt8](repeating: 0, count: Self.chunk) }
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count > 0 { return packet(for: stream.call, status: .continue, payload: Array(buffer.prefix(count))) }
        if count < 0 && (errno == EINTR || errno == EAGAIN) { return nil }
        if count < 0 && errno != EIO && errno != ECONNRESET {
            let error = Syscall.error("cannot read from stream", errno: errno, domain: .streams)
            end(serial)
            return failure(of: stream.call, error)
        }
        streams.withLock { $0[serial]?.descriptor = nil }
        close(descriptor)
        return packet(for: stream.call, status: .continue, payload: [])
    }

    /// Answers a STREAM or STREAM_HOLE packet from the client.
    func receive(_ packet: Packet) -> [Packet] {
        let serial = packet.header.serial
        guard let stream = streams.withLock({ $0[serial] }) else { return [] }
        switch (packet.header.type, packet.header.status) {
        case (.stream, .continue):
            guard let descriptor = stream.descriptor else { return [] }
            do throws(VirError) {
                try StreamSocket(descriptor: descriptor).writeAll(packet.payload)
                return []
            } catch {
                end(serial)
                return [failure(of: stream.call, error)]
            }
        case (.stream, _):
            end(serial)
            return [self.packet(for: stream.call, status: .ok, payload: [])]
        default:
            end(serial)
            let error = VirError(code: .rpc, domain: .rpc, message: "Unexpected stream hole")
            return [failure(of: stream.call, error)]
        }
    }

    /// Closes every stream: the client hung up or closed its connection.
    func closeAll() {
        let descriptors = streams.withLock { streams in
            defer { streams.removeAll() }
            return streams.values.compactMap(\.descriptor)
        }
        for descriptor in descriptors { close(descriptor) }
    }

    private func end(_ serial: UInt32) {
        if let descriptor = streams.withLock({ $0.removeValue(forKey: serial)?.descriptor }) { close(descriptor) }
    }

    private func packet(for call: PacketHeader, status: MessageStatus, payload: [UInt8]) -> Packet {
        Packet(header: header(of: call, status: status), payload: payload)
    }

    /// The STREAM/ERROR packet that ends a stream with `error`.
    private func failure(of call: PacketHeader, _ error: VirError) -> Packet {
        Packet(header: header(of: call, status: .error), body: RemoteError(error))
    }

    private func header(of call: PacketHeader, status: MessageStatus) -> PacketHeader {
        PacketHeader(program: call.program, procedure: call.procedure, type: .stream, serial: call.serial, status: status)
    }
}
