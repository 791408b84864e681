import JSON
import Synchronization
import VirtError
import VirtSystem

/// A client of QEMU's machine protocol (QMP) on a connected socket: the greeting and
/// capabilities negotiation, commands matched to their replies in the order they were sent
/// (``AnswerOrder``; several may be outstanding), and events. One thread of its own reads
/// the socket, so no task ever blocks on it. libvirt's `qemuMonitor` in its JSON mode.
public final class QMPMonitor: Sendable {
    /// QEMU's greeting (`{"QMP": {"version": …, "capabilities": …}}`).
    public let greeting: JSONValue
    /// Every event QEMU sends, in order; it finishes when the monitor closes.
    public let events: AsyncStream<QMPEvent>

    private let socket: GuardedSocket
    private let waiters = ReplyWaiters()
    private let unanswered = AnswerOrder()
    private let handler = EventHandlerSlot()

    private let eventSink: AsyncStream<QMPEvent>.Continuation
    /// The key the greeting is awaited under: no command's key looks like it.
    private static let greetingKey = " greeting"

    /// Takes over `socket` (connected to QEMU's monitor), waits up to `timeout` for the
    /// greeting, and negotiates capabilities (`qmp_capabilities`). On failure the socket is
    /// closed.
    public init(socket: StreamSocket, timeout: Duration = .seconds(30)) async throws(VirError) {
        let socket = GuardedSocket(socket)
        self.socket = socket
        (events, eventSink) = AsyncStream.makeStream(bufferingPolicy: .unbounded)
        let waiters = waiters
        let unanswered = unanswered
        let eventSink = eventSink
        let handler = handler
        let reader = QMPReader(socket: socket)
        // The reader starts only once the greeting is waited for, so it cannot come first.
        var readerStarted = false
        let greeting: JSONValue
        do throws(VirError) {
            greeting = try await waiters.awaitReply(key: Self.greetingKey, timeout: timeout, timeoutError: Self.timedOut("the greeting", after: timeout)) { () throws(VirError) in
                try DetachedThread.start { Self.read(reader, into: waiters, answering: unanswered, events: eventSink, handler: handler) }
                readerStarted = true
            }
            guard greeting["QMP"] != nil else { throw VirError(.internalError, "the QEMU monitor did not greet with QMP: \(greeting.serialized)", domain: .qemu) }
        } catch {
            if readerStarted { socket.shutdown() } else { socket.close() }
            throw error
        }
        self.greeting = greeting
        do throws(VirError) {
            _ = try await execute("qmp_capabilities", timeout: timeout)
        } catch {
            close()
            throw error
        }
    }

    /// Sends the command `name` with `arguments` and returns its `return` member; an
    /// `error` reply becomes libvirt's "unable to execute QEMU command" error. Waits at most
    /// `timeout` (nil: as long as the monitor lives). `descriptor` goes with the command
    /// (`SCM_RIGHTS`), for `getfd` and `add-fd`; the caller's copy stays open.
    public func execute(_ name: String, arguments: JSONValue? = nil, passing descriptor: Int32? = nil, timeout: Duration? = nil) async throws(VirError) -> JSONValue {
        var request: [JSONValue.Member] = [.init("execute", .string(name))]
        if let arguments { request.append(.init("arguments", arguments)) }
        let reply = try await send(request, timeout: timeout, what: "'\(name)'", passing: descriptor).reply
        if let error = reply["error"] {
            let description = error["desc"]?.stringValue ?? error.serialized
            throw VirError(.internalError, "unable to execute QEMU command '\(name)': \(description)", domain: .qemu)
        }
        return reply["return"] ?? .null
    }

    /// Sends `command`, an object as a user wrote it, and returns the whole reply, an error
    /// reply too, as `virDomainQemuMonitorCommand` does: ending with the `id` libvirt would
    /// have given the command ("libvirt-N"). A command with an `id` of its own is refused,
    /// as libvirt refuses it. `descriptor` goes with it, as with
    /// ``execute(_:arguments:passing:timeout:)``.
    public func passThrough(_ command: JSONValue, passing descriptor: Int32? = nil, timeout: Duration? = nil) async throws(VirError) -> JSONValue {
        guard let members = command.members else {
            throw VirError(.internalError, "the QEMU monitor command must be a JSON object: \(command.serialized)", domain: .qemu)
        }
        guard !members.contains(where: { $0.key == "id" }) else {
            throw VirError(.internalError, "duplicate key 'id'", domain: .qemu)
        }
        let (reply, key) = try await send(members, timeout: timeout, what: command["execute"]?.serialized ?? "the command", passing: descriptor)
        return .object((reply.members ?? []) + [.init("id", .string(key))])
    }

    /// Hands every later event to `handler` instead of ``events``, on the monitor's reader
    /// thread, in order with the replies: an event QEMU sent before a command's reply (the
    /// `STOP` of a `stop`) has been handled when the command returns. The handler must not
    /// wait for the monitor. ``events`` then carries no more events, and still finishes
    /// when the monitor ends.
    public func handleEvents(with handler: @escaping @Sendable (QMPEvent) -> Void) {
        self.handler.set(handler)
    }

    /// Closes the monitor: waiting commands fail, the events end. QEMU goes on running.
    public func close() {
        socket.shutdown()
    }

    /// Whether the monitor has ended (QEMU closed it, or ``close()``).
    public var hasEnded: Bool { waiters.ended != nil }

    /// Sends `request` compact, without an `id`, and ended by a newline alone (every byte
    /// costs QEMU, ``AnswerOrder``), and returns its reply with the key it was awaited under
    /// ("libvirt-N").
    private func send(_ request: [JSONValue.Member], timeout: Duration?, what: String, passing descriptor: Int32? = nil) async throws(VirError)
        -> (reply: JSONValue, key: String) {
        let key = try waiters.nextID(prefix: "libvirt-")
        let line = Array((JSONValue.object(request).serialized + "\n").utf8)
        let reply = try await waiters.awaitReply(key: key, timeout: timeout, timeoutError: Self.timedOut(what, after: timeout ?? .zero)) { () throws(VirError) in
            guard try unanswered.write(line, awaitedUnder: key, to: socket, passing: descriptor) else { throw waiters.ended ?? Self.endOfFile }
        }
        return (reply, key)
    }

    private static func timedOut(_ what: String, after timeout: Duration) -> VirError {
        VirError(.operationTimeout, "the QEMU monitor did not answer \(what) within \(timeout.components.seconds) s", domain: .qemu)
    }

    private static let endOfFile = VirError(.operationFailed, "End of file from qemu monitor", domain: .qemu)

    /// The reader thread: every message is the greeting, an event, or the reply to the oldest
    /// unanswered command (dropped if nobody waits for it any more, after a timeout). At the
    /// end of the stream every waiter fails.
    private static func read(_ reader: QMPReader, into waiters: ReplyWaiters, answering unanswered: AnswerOrder,
                             events: AsyncStream<QMPEvent>.Continuation, handler: EventHandlerSlot) {
        var greeted = false
        while true {
            let reply: JSONValue
            do throws(VirError) {
                guard let next = try reader.next() else {
                    waiters.end(endOfFile)
                    break
                }
                reply = next
            } catch {
                waiters.end(error)
                break
            }
            if !greeted {
                greeted = true
                waiters.resume(greetingKey, with: .success(reply))
            } else if let event = QMPEvent(message: reply) {
                if let handle = handler.current { handle(event) } else { events.yield(event) }
            } else if let key = unanswered.answerOldest() {
                waiters.resume(key, with: .success(reply))
            }
        }
        events.finish()
        reader.socket.close()
    }
}

/// Where ``QMPMonitor/handleEvents(with:)`` puts its handler for the reader thread.
private final class EventHandlerSlot: Sendable {
    private let slot = Mutex<(@Sendable (QMPEvent) -> Void)?>(nil)

    var current: (@Sendable (QMPEvent) -> Void)? { slot.withLock { $0 } }

    func set(_ handler: @escaping @Sendable (QMPEvent) -> Void) {
        slot.withLock { $0 = handler }
    }
}
