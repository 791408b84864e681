import Glibc
import Synchronization
import VirtError
import VirtRPC
import VirtSystem

/// The streams a client has open (libvirtd's `daemonClientStream`): each belongs to the
/// serial of the call that opened it (a console's 201) and carries the bytes of one
/// descriptor both ways, as STREAM packets under that serial. The descriptors are
/// non-blocking: the event loop reads them when they are readable and writes the client's
/// bytes as they are taken.
///
/// - What the descriptor gives goes to the client as CONTINUE packets; its end as an empty
///   CONTINUE, after which the stream waits for the client to finish it.
/// - The client's CONTINUE packets are written to the descriptor, what it cannot take yet
///   kept (up to ``inputLimit``); its OK (finish) and ERROR (abort) close the stream and
///   are confirmed with an empty OK, as libvirtd confirms them.
/// - Packets for a serial with no stream are ignored: they may cross a stream's end.
final class ClientStreams: Sendable {
    /// The most bytes of the client's that may wait for a descriptor that does not read
    /// them; more ends the stream with an error.
    static let inputLimit = 1 << 20

    private struct Stream {
        /// The header of the call that opened it: program, procedure and serial.
        let call: PacketHeader
        /// What the stream carries; nil once its end was sent.
        var descriptor: Int32?
        /// The client's bytes the descriptor has not taken yet.
        var input: [UInt8] = []
    }
    private let streams = Mutex<[UInt32: Stream]>([:])

    /// A stream's descriptor, for the event loop to watch.
    struct Watched {
        let serial: UInt32
        let descriptor: Int32
        /// Whether the client's bytes wait for the descriptor to take them.
        let hasInput: Bool
    }

    /// Opens a stream on `descriptor` (now the stream's) for the call `call`.
    func open(for call: PacketHeader, descriptor: Int32) {
        let flags = fcntl(descriptor, F_GETFL)
        if flags >= 0 { _ = fcntl(descriptor, F_SETFL, flags | O_NONBLOCK) }
        let replaced = streams.withLock { streams in
            defer { streams[call.serial] = Stream(call: call, descriptor: descriptor) }
            return streams[call.serial]?.descriptor
        }
        if let replaced { close(replaced) }
    }

    /// The descriptors of the streams that have not ended.
    var watched: [Watched] {
        streams.withLock { streams in
            streams.compactMap { serial, stream in
                stream.descriptor.map { Watched(serial: serial, descriptor: $0, hasInput: !stream.input.isEmpty) }
            }
        }
    }

    /// Reads what the descriptor of stream `serial` has into `buffer` and packs it for the
    /// client: data, the end of the data, or the error that ended the stream; nil if it
    /// had nothing after all.
    func pump(_ serial: UInt32, buffer: inout [UInt8]) -> Packet? {
        guard let stream = streams.withLock({ $0[serial] }), let descriptor = stream.descriptor else { return nil }
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
            guard stream.descriptor != nil else { return [] }
            let overflow = streams.withLock { streams in
                streams[serial]?.input.append(contentsOf: packet.payload)
                return (streams[serial]?.input.count ?? 0) > Self.inputLimit
            }
            guard !overflow else {
                end(serial)
                return [failure(of: stream.call, VirError(code: .rpc, domain: .streams, message: "stream input is not being read"))]
            }
            return writeInput(serial).map { [$0] } ?? []
        case (.stream, _):
            end(serial)
            return [self.packet(for: stream.call, status: .ok, payload: [])]
        default:
            end(serial)
            let error = VirError(code: .rpc, domain: .rpc, message: "Unexpected stream hole")
            return [failure(of: stream.call, error)]
        }
    }

    /// Writes what the descriptor of stream `serial` takes of the client's bytes; the error
    /// that ended the stream, if writing failed.
    func writeInput(_ serial: UInt32) -> Packet? {
        let failed: (PacketHeader, Int32)? = streams.withLock { streams in
            guard var stream = streams[serial], let descriptor = stream.descriptor else { return nil }
            defer { streams[serial] = stream }
            while !stream.input.isEmpty {
                let written = stream.input.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
                if written > 0 {
                    stream.input.removeFirst(written)
                } else if written < 0 && errno == EINTR {
                    continue
                } else if written == 0 || errno == EAGAIN {
                    return nil
                } else {
                    return (stream.call, errno)
                }
            }
            return nil
        }
        guard let (call, code) = failed else { return nil }
        end(serial)
        return failure(of: call, Syscall.error("cannot write to stream", errno: code, domain: .streams))
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
