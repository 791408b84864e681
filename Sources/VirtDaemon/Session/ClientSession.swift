import Foundation
import Logging
import VirtCore
import VirtError
import VirtRPC
import VirtSystem

/// One client of the daemon, served on a thread of its own: the thread waits on the socket,
/// on the client's ``Outbox`` and on its streams' descriptors, answers calls in order (each
/// run on this thread as its executor, a ``CallingThreadExecutor``, so a call that never
/// waits costs no thread switch), writes queued events and stream data, and pings a client
/// that asked for keepalive when it goes quiet.
final class ClientSession: Sendable {
    private let socket: StreamSocket
    private let state: ClientState
    private let keepalive: (interval: Int, count: Int)
    private let executor = CallingThreadExecutor()
    private static let logger = Logger(label: "swiftvirt.virtd.client")

    init(socket: StreamSocket, readOnlySocket: Bool, drivers: DriverRegistry, configuration: DaemonConfiguration) throws(VirError) {
        self.socket = socket
        state = try ClientState(readOnlySocket: readOnlySocket, drivers: drivers, defaultURI: configuration.defaultURI)
        keepalive = (configuration.keepaliveInterval, configuration.keepaliveCount)
    }

    /// Serves the client on a new thread until it hangs up, breaks the protocol or stops
    /// answering pings.
    func start() {
        let thread = Thread { [self] in serve() }
        thread.stackSize = 256 << 10
        thread.start()
    }

    private func serve() {
        defer {
            executor.run { [state] in await state.close() }
            socket.close()
        }
        do throws(VirError) {
            try serveUntilDone()
        } catch {
            Self.logger.info("client dropped: \(error.message)")
        }
    }

    private func serveUntilDone() throws(VirError) {
        var reader = FrameReader()
        defer { reader.closeDescriptors() }
        // Small: calls are small, and a thousand idle clients each keep one.
        var buffer = [UInt8](repeating: 0, count: 8192)
        var received: [Int32] = []
        var streamBuffer: [UInt8] = []  // made when a stream first has data
        var unansweredPings = 0
        var nextPing = ContinuousClock.now + .seconds(keepalive.interval)
        while true {
            let pinging = keepalive.interval > 0 && state.withFlags { $0.keepalive }
            let streams = state.streams.readable
            let ready = try waitForInput(streams: streams.map(\.descriptor), until: pinging ? nextPing : nil)
            if ready.woken {
                guard let packets = state.outbox.take() else { throw VirError(code: .rpc, domain: .rpc, message: "client is not reading its events") }
                for packet in packets { try send(packet) }
            }
            for (stream, hasData) in zip(streams, ready.streams) where hasData {
                if let packet = state.streams.pump(stream.serial, buffer: &streamBuffer) { try send(packet) }
            }
            if ready.socket {
                received.removeAll(keepingCapacity: true)
                let count = try socket.receive(into: &buffer, descriptors: &received)
                reader.append(buffer[0..<count], descriptors: received)
                guard count > 0 else { return }
                unansweredPings = 0
                nextPing = .now + .seconds(keepalive.interval)
                while let packet = try reader.next() {
                    let replies = executor.run { [state] in await RemoteDispatcher.handle(packet, for: state) }
                    for reply in replies { try send(reply) }
                }
            } else if pinging && ContinuousClock.now >= nextPing {
                guard unansweredPings < keepalive.count else {
                    throw VirError(code: .rpc, domain: .rpc, message: "no response to \(unansweredPings) keepalive pings")
                }
                unansweredPings += 1
                nextPing = .now + .seconds(keepalive.interval)
                try send(Packet(header: PacketHeader(program: .keepalive, procedure: KeepaliveProcedure.ping.rawValue, type: .message, serial: 0)))
            }
        }
    }

    /// Writes `packet`, then each of its descriptors with its carrier byte; the descriptors
    /// are closed either way.
    private func send(_ packet: Packet) throws(VirError) {
        defer { for descriptor in packet.descriptors { close(descriptor) } }
        try socket.writeAll(packet.frame)
        for descriptor in packet.descriptors { try socket.sendDescriptor(descriptor) }
    }

    /// Waits until the socket is readable, the outbox has packets, a stream's descriptor has
    /// data, or `deadline` passes.
    private func waitForInput(streams: [Int32], until deadline: ContinuousClock.Instant?) throws(VirError)
        -> (socket: Bool, woken: Bool, streams: [Bool]) {
        var descriptors = [pollfd(fd: socket.descriptor, events: Int16(POLLIN), revents: 0),
                           pollfd(fd: state.outbox.wake.descriptor, events: Int16(POLLIN), revents: 0)]
        descriptors += streams.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        var timeout: Int32 = -1
        if let deadline {
            let remaining = ContinuousClock.now.duration(to: deadline)
            timeout = max(0, Int32(remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000) + 1)
        }
        while poll(&descriptors, nfds_t(descriptors.count), timeout) < 0 {
            guard errno == EINTR else { throw VirError(code: .systemError, domain: .rpc, message: "poll failed: \(String(cString: strerror(errno)))") }
        }
        return (descriptors[0].revents != 0, descriptors[1].revents != 0, descriptors.dropFirst(2).map { $0.revents != 0 })
    }
}
