import Glibc
import Logging
import VirtCore
import VirtError
import VirtRPC
import VirtSystem

/// One client on the event loop. It reads the client's packets, answers pings and stream
/// data at once, and runs its calls one after another: on the loop when the connection's
/// driver never blocks, on a worker when it may. Replies, events and stream data are
/// written as the socket takes them, never blocking the loop; a client that lets too much
/// pile up is dropped. A client that asked for keepalive is pinged when it goes quiet.
///
/// Everything here runs on the loop thread.
final class ClientConnection: LoopHandler, @unchecked Sendable {
    /// Calls that may wait behind the running one before virtd stops reading the client.
    static let waitingCallLimit = 16
    /// Output bytes (replies, events, stream data) waiting for a client before virtd stops
    /// reading its calls and streams.
    static let outputPauseBytes = 1 << 20
    /// Output bytes after which a client that does not read (its events, say) is dropped.
    static let outputLimit = 64 << 20

    private let loop: EventLoop
    private let workers: WorkerPool
    private let socket: StreamSocket
    private let state: ClientState
    private let keepalive: (interval: Int, count: Int)
    private static let logger = Logger(label: "swiftvirt.virtd.client")

    private var token: UInt64 = 0
    private var interest: EventPoll.Interest = .readable
    private var reader = FrameReader()
    private var receivedDescriptors: [Int32] = []
    private var waitingCalls: [Packet] = []
    private var callRunning = false
    private var ended = false
    private var output = Output()
    private var streamWatches: [UInt32: StreamWatch] = [:]
    private var pinging = false
    private var unansweredPings = 0
    private var nextPing = ContinuousClock.now

    private init(socket: StreamSocket, state: ClientState, loop: EventLoop, workers: WorkerPool, keepalive: (Int, Int)) {
        self.socket = socket
        self.state = state
        self.loop = loop
        self.workers = workers
        self.keepalive = keepalive
    }

    /// Starts serving the client on `socket` (non-blocking), which it now owns.
    static func serve(_ socket: StreamSocket, readOnlySocket: Bool, drivers: DriverRegistry, configuration: DaemonConfiguration,
                      loop: EventLoop, workers: WorkerPool) throws(VirError) {
        let state = ClientState(readOnlySocket: readOnlySocket, drivers: drivers, defaultURI: configuration.defaultURI)
        let client = ClientConnection(socket: socket, state: state, loop: loop, workers: workers,
                                      keepalive: (configuration.keepaliveInterval, configuration.keepaliveCount))
        client.token = try loop.register(socket.descriptor, interest: .readable, handler: client)
        // Until ``end(_:)`` stops the outbox, which lets the client go.
        state.outbox.deliver { [client, loop] packet in
            loop.execute { client.send(packet) }
        }
    }

    func ready(_ event: EventPoll.Event) {
        if event.isWritable { flush() }
        if event.isReadable && !ended { readSocket() }
    }

    func tick(now: ContinuousClock.Instant) {
        guard !ended, now >= nextPing else { return }
        guard unansweredPings < keepalive.count else {
            return end("no response to \(unansweredPings) keepalive pings")
        }
        unansweredPings += 1
        nextPing = now + .seconds(keepalive.interval)
        send(Packet(header: PacketHeader(program: .keepalive, procedure: KeepaliveProcedure.ping.rawValue, type: .message, serial: 0)))
    }

    // MARK: reading

    private func readSocket() {
        receivedDescriptors.removeAll(keepingCapacity: true)
        let count: Int
        do throws(VirError) {
            count = try socket.receive(into: &loop.readBuffer, descriptors: &receivedDescriptors)
        } catch {
            if error.int1 == EAGAIN { return }
            return end(error.message)
        }
        reader.append(loop.readBuffer[0..<count], descriptors: receivedDescriptors)
        guard count > 0 else { return end(nil) }
        unansweredPings = 0
        if pinging { nextPing = .now + .seconds(keepalive.interval) }
        do throws(VirError) {
            while let packet = try reader.next() {
                if let answers = RemoteDispatcher.answerAtOnce(packet, for: state) {
                    for answer in answers { send(answer) }
                    watchStreams()
                } else {
                    waitingCalls.append(packet)
                }
            }
        } catch {
            return end(error.message)
        }
        startNextCall()
        updateInterest()
    }

    // MARK: calls

    private func startNextCall() {
        guard !callRunning, !ended, !waitingCalls.isEmpty else { return }
        let packet = waitingCalls.removeFirst()
        callRunning = true
        let executor: any TaskExecutor = state.runsOnWorker(packet) ? workers : loop
        Task(executorPreference: executor) { [self, state, loop] in
            let reply = await RemoteDispatcher.answer(call: packet, for: state)
            loop.execute { self.finish(reply) }
        }
    }

    private func finish(_ reply: Packet) {
        callRunning = false
        send(reply)
        loop.noteAnswer()
        if !pinging && keepalive.interval > 0 && state.withFlags({ $0.keepalive }) {
            pinging = true
            nextPing = .now + .seconds(keepalive.interval)
            loop.startTicking(token)
        }
        if ended { return closeState() }
        watchStreams()
        startNextCall()
        updateInterest()
    }

    // MARK: writing

    /// Queues `packet` (and its descriptors, now the connection's) and writes what the
    /// socket takes.
    private func send(_ packet: Packet) {
        guard !ended else {
            for descriptor in packet.descriptors { close(descriptor) }
            return
        }
        output.append(packet)
        guard output.byteCount <= Self.outputLimit else { return end("client is not reading its events") }
        flush()
    }

    private func flush() {
        do throws(VirError) {
            try output.write(to: socket)
        } catch {
            return end(error.message)
        }
        updateInterest()
    }

    /// Reads the socket unless calls or output pile up; watches for room while output waits.
    private func updateInterest() {
        guard !ended else { return }
        var wanted: EventPoll.Interest = []
        if waitingCalls.count < Self.waitingCallLimit && output.byteCount < Self.outputPauseBytes { wanted.insert(.readable) }
        if !output.isEmpty { wanted.insert(.writable) }
        loop.change(socket.descriptor, token: token, from: interest, to: wanted)
        interest = wanted
        for watch in streamWatches.values { watch.update(readable: output.isEmpty) }
    }

    // MARK: streams

    /// Brings the loop's watches in line with the client's open streams.
    private func watchStreams() {
        let open = state.streams.watched
        for (serial, watch) in streamWatches where !open.contains(where: { $0.serial == serial && $0.descriptor == watch.descriptor }) {
            watch.stop()
            streamWatches[serial] = nil
        }
        for stream in open {
            if let watch = streamWatches[stream.serial] {
                watch.update(writable: stream.hasInput)
                continue
            }
            do throws(VirError) {
                streamWatches[stream.serial] = try StreamWatch(stream, client: self, loop: loop, readable: output.isEmpty)
            } catch {
                Self.logger.error("cannot watch stream \(stream.serial): \(error.message)")
            }
        }
    }

    /// A stream's descriptor is ready: its data goes out, the client's data goes in.
    fileprivate func streamReady(_ serial: UInt32, _ event: EventPoll.Event) {
        if event.isWritable, let failure = state.streams.writeInput(serial) { send(failure) }
        if event.isReadable && output.isEmpty, let packet = state.streams.pump(serial, buffer: &loop.readBuffer) { send(packet) }
        watchStreams()
    }

    // MARK: the end

    /// Stops serving the client: it hung up (`reason` nil) or is dropped for `reason`.
    private func end(_ reason: String?) {
        guard !ended else { return }
        ended = true
        if let reason { Self.logger.info("client dropped: \(reason)") }
        state.outbox.stop()
        for watch in streamWatches.values { watch.stop() }
        streamWatches.removeAll()
        loop.deregister(socket.descriptor, token: token)
        socket.close()
        output.discard()
        reader.closeDescriptors()
        for packet in waitingCalls { for descriptor in packet.descriptors { close(descriptor) } }
        waitingCalls.removeAll()
        if !callRunning { closeState() }
    }

    /// Closes the client's connection (and streams), on a worker if its driver may block.
    private func closeState() {
        Task(executorPreference: state.callsMayBlock ? workers as any TaskExecutor : loop) { [state] in await state.close() }
    }
}

/// The loop's watch on one stream's descriptor: a duplicate of it, so that the stream may
/// close its own at any time without the loop watching a number that came back as another
/// descriptor.
private final class StreamWatch: LoopHandler {
    let descriptor: Int32
    private let serial: UInt32
    private let watched: Int32
    private weak var client: ClientConnection?
    private let loop: EventLoop
    private var token: UInt64 = 0
    private var interest: EventPoll.Interest

    init(_ stream: ClientStreams.Watched, client: ClientConnection, loop: EventLoop, readable: Bool) throws(VirError) {
        descriptor = stream.descriptor
        serial = stream.serial
        watched = try Syscall.call("duplicate stream descriptor", domain: .streams) { fcntl(stream.descriptor, F_DUPFD_CLOEXEC, 0) }
        self.client = client
        self.loop = loop
        interest = (readable ? EventPoll.Interest.readable : []).union(stream.hasInput ? .writable : [])
        do throws(VirError) {
            token = try loop.register(watched, interest: interest, handler: self)
        } catch {
            close(watched)
            throw error
        }
    }

    func ready(_ event: EventPoll.Event) { client?.streamReady(serial, event) }

    /// Reads the descriptor only while `readable` (the client's output is drained).
    func update(readable: Bool) { set(readable ? interest.union(.readable) : interest.subtracting(.readable)) }

    /// Watches for room to write while the client's bytes wait.
    func update(writable: Bool) { set(writable ? interest.union(.writable) : interest.subtracting(.writable)) }

    private func set(_ wanted: EventPoll.Interest) {
        loop.change(watched, token: token, from: interest, to: wanted)
        interest = wanted
    }

    func stop() {
        loop.deregister(watched, token: token)
        close(watched)
    }
}
