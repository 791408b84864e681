import Foundation
import Glibc
import Synchronization
import VirtCore
import VirtError
import VirtRPC
import VirtSystem
import XDR

/// One connection to a daemon speaking libvirt's protocol (libvirt's `virNetClient`): calls
/// go out with their own serials, and a reader thread hands each reply to the call waiting
/// for it, answers keepalive pings, passes MESSAGE packets (events) on, and carries the
/// STREAM packets of its open streams (``RemoteStream``). Many calls may be in flight at
/// once; a call whose deadline passes fails with `VIR_ERR_OPERATION_TIMEOUT` and its late
/// reply is dropped.
final class RemoteClient: Sendable {
    private let socket: GuardedSocket
    private let table = Mutex(CallTable())
    /// The open streams, by the serial of the call that opened each.
    private let streams = Mutex<[UInt32: RemoteStream]>([:])
    /// Called on the reader thread with each MESSAGE packet of the daemon (events).
    private let onMessage: @Sendable (Packet) -> Void
    /// Called once, on the reader thread, when the connection ends, with the client and why.
    private let onClose: @Sendable (RemoteClient, VirError) -> Void

    private struct CallTable: ~Copyable {
        var nextSerial: UInt32 = 1
        var waiting: [UInt32: CheckedContinuation<Result<Packet, VirError>, Never>] = [:]
        /// Why the connection ended, once it has.
        var ended: VirError?
    }

    /// Takes over the connected `socket` and starts reading it.
    init(socket: StreamSocket, onMessage: @escaping @Sendable (Packet) -> Void, onClose: @escaping @Sendable (RemoteClient, VirError) -> Void) {
        self.socket = GuardedSocket(socket)
        self.onMessage = onMessage
        self.onClose = onClose
        let thread = Thread { [self] in readUntilEnd() }
        thread.stackSize = 256 << 10
        thread.start()
    }

    /// Whether the connection still carries calls.
    var isAlive: Bool { table.withLock { $0.ended == nil } }

    /// Calls `procedure` of `program` with `arguments` and waits for its reply, at most until
    /// `deadline`. An error reply is thrown as the ``VirError`` it carries.
    /// A call that opens a stream (a console) passes it as `stream`: it is tied to the call's
    /// serial before the call goes out, and receives the daemon's STREAM packets. A call
    /// with `descriptors` goes out as a `CALL_WITH_FDS`; they stay the caller's. Descriptors
    /// in the reply are the caller's to close.
    func call(_ program: RPCProgram, _ procedure: Int32, _ arguments: some XDRCodable, descriptors: [Int32] = [],
              deadline: ContinuousClock.Instant? = nil, stream: RemoteStream? = nil) async throws(VirError) -> Packet {
        let serial = try table.withLock { (table) throws(VirError) -> UInt32 in
            if let ended = table.ended { throw ended }
            defer { table.nextSerial &+= 1 }
            return table.nextSerial
        }
        let type: MessageType = descriptors.isEmpty ? .call : .callWithFDs
        let packet = Packet(header: PacketHeader(program: program, procedure: procedure, type: type, serial: serial), body: arguments, descriptors: descriptors)
        if let stream {
            stream.bind(to: packet.header)
            streams.withLock { $0[serial] = stream }
        }
        let timer = Mutex<Task<Void, Never>?>(nil)
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ended = table.withLock { table -> VirError? in
                    if table.ended == nil { table.waiting[serial] = continuation }
                    return table.ended
                }
                if let ended { return continuation.resume(returning: .failure(ended)) }
                // Registered first, so that neither the deadline nor a cancellation can come
                // before there is a call to end.
                if let deadline {
                    timer.withLock { $0 = Task { [self] in await expire(serial, procedure: procedure, at: deadline) } }
                }
                if Task.isCancelled { finish(serial, with: .failure(Self.cancelled)) }
                do throws(VirError) {
                    try send(packet)
                } catch {
                    finish(serial, with: .failure(error))
                }
            }
        } onCancel: {
            finish(serial, with: .failure(Self.cancelled))
        }
        timer.withLock { $0?.cancel() }
        let outcome = result.flatMap(Self.success)
        if case .failure = outcome, stream != nil { _ = streams.withLock { $0.removeValue(forKey: serial) } }
        return try outcome.get()
    }

    /// A reply, or the error it carries (its descriptors closed).
    private static func success(_ reply: Packet) -> Result<Packet, VirError> {
        guard reply.header.status != .ok else { return .success(reply) }
        for descriptor in reply.descriptors { Glibc.close(descriptor) }
        do throws(VirError) {
            return .failure(try reply.decode(RemoteError.self).virError)
        } catch {
            return .failure(error)
        }
    }

    /// Sends a packet that expects no reply (a stream's data, its end or abort), or a call's.
    func send(_ packet: Packet) throws(VirError) {
        guard try socket.write(frame: packet.frame, descriptors: packet.descriptors) else {
            throw table.withLock { $0.ended } ?? Self.endOfFile
        }
    }

    /// Ends the connection: calls in flight fail, and the reader thread stops.
    func close() {
        socket.shutdown()
    }

    private static let endOfFile = VirError(code: .systemError, domain: .rpc, message: "End of file while reading data: Input/output error")

    private static let cancelled = VirError(code: .operationAborted, domain: .rpc, message: "operation aborted: the call was cancelled")

    /// Fails the call `serial` with a timeout once `deadline` passes, unless it ended first.
    private func expire(_ serial: UInt32, procedure: Int32, at deadline: ContinuousClock.Instant) async {
        guard (try? await Task.sleep(until: deadline, clock: .continuous)) != nil else { return }
        finish(serial, with: .failure(VirError(code: .operationTimeout, domain: .rpc,
                                               message: "Timed out during operation: no reply to procedure \(procedure) by its deadline")))
    }

    /// Hands `result` to the call `serial`, if it still waits.
    private func finish(_ serial: UInt32, with result: Result<Packet, VirError>) {
        guard let continuation = table.withLock({ $0.waiting.removeValue(forKey: serial) }) else {
            if case .success(let late) = result { for descriptor in late.descriptors { Glibc.close(descriptor) } }
            return
        }
        continuation.resume(returning: result)
    }

    private func readUntilEnd() {
        var reader = FrameReader()
        var buffer = [UInt8](repeating: 0, count: 65536)
        var received: [Int32] = []
        var reason = Self.endOfFile
        do throws(VirError) {
            while true {
                received.removeAll(keepingCapacity: true)
                let count = try socket.socket.receive(into: &buffer, descriptors: &received)
                reader.append(buffer[0..<count], descriptors: received)
                guard count > 0 else { break }
                while let packet = try reader.next() { try dispatch(packet) }
            }
        } catch {
            reason = error
        }
        reader.closeDescriptors()
        let waiting = table.withLock { table in
            table.ended = reason
            defer { table.waiting.removeAll() }
            return Array(table.waiting.values)
        }
        for continuation in waiting { continuation.resume(returning: .failure(reason)) }
        for stream in streams.withLock({ streams in defer { streams.removeAll() }; return Array(streams.values) }) { stream.abandon() }
        socket.close()
        onClose(self, reason)
    }

    private func dispatch(_ packet: Packet) throws(VirError) {
        switch (packet.header.program, packet.header.type) {
        case (.keepalive, _):
            guard packet.header.procedure == KeepaliveProcedure.ping.rawValue else { return }
            try send(Packet(header: PacketHeader(program: .keepalive, procedure: KeepaliveProcedure.pong.rawValue, type: .message, serial: 0)))
        case (_, .reply), (_, .replyWithFDs):
            finish(packet.header.serial, with: .success(packet))
        case (_, .message):
            onMessage(packet)
        case (_, .stream):
            let serial = packet.header.serial
            guard let stream = streams.withLock({ $0[serial] }) else { return }
            if packet.header.status != .continue { _ = streams.withLock { $0.removeValue(forKey: serial) } }
            if let answer = stream.receive(packet) { try send(answer) }
        default:
            for descriptor in packet.descriptors { Glibc.close(descriptor) }
        }
    }
}
