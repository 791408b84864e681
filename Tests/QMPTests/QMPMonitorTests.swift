import JSON
import Synchronization
import Testing
import VirtError
@testable import QMP

@Suite("QMP monitor against a scripted peer")
struct QMPMonitorTests {
    @Test("greeting, capabilities negotiation, then a command's return value; commands go compact, one a line, without an id")
    func handshakeAndCommand() async throws {
        let peer = try FakeQMPPeer([
            .answer("query-status", reply: #"{"return": {"status": "prelaunch", "singlestep": false, "running": false}}"#),
            .waitForClose,
        ])
        let monitor = try await QMPMonitor(socket: peer.clientSocket)
        #expect(monitor.greeting["QMP"]?["version"]?["qemu"]?["major"]?.int64Value == 7)
        let status = try await monitor.execute("query-status")
        #expect(status["status"]?.stringValue == "prelaunch")
        monitor.close()
        try await waitUntilEnded(monitor)
        #expect(peer.problems.all.isEmpty)
        #expect(peer.received.all == [#"{"execute":"qmp_capabilities"}"#, #"{"execute":"query-status"}"#])
    }

    @Test("an error reply is libvirt's 'unable to execute QEMU command' error")
    func errorReply() async throws {
        let peer = try FakeQMPPeer([
            .answer("cont", reply: #"{"error": {"class": "GenericError", "desc": "Migration is not finished"}}"#),
            .waitForClose,
        ])
        let monitor = try await QMPMonitor(socket: peer.clientSocket)
        let error = await #expect(throws: VirError.self) { try await monitor.execute("cont") }
        #expect(error?.code == .internalError)
        #expect(error?.domain == .qemu)
        #expect(error?.message == "internal error: unable to execute QEMU command 'cont': Migration is not finished")
        monitor.close()
    }

    @Test("several commands at once each get their own reply (QEMU answers in the order sent); events arrive in order")
    func concurrentCommandsAndEvents() async throws {
        let peer = try FakeQMPPeer([
            .send(#"{"timestamp": {"seconds": 1700000000, "microseconds": 250}, "event": "STOP"}"#),
            .answerTogether(count: 3),
            .send(#"{"timestamp": {"seconds": 1700000001, "microseconds": 0}, "event": "RESUME", "data": {"x": 1}}"#),
            .waitForClose,
        ])
        let monitor = try await QMPMonitor(socket: peer.clientSocket)
        async let first = monitor.execute("query-a")
        async let second = monitor.execute("query-b")
        async let third = monitor.execute("query-c")
        #expect(try await [first, second, third].map(\.stringValue) == ["query-a", "query-b", "query-c"])
        var events = monitor.events.makeAsyncIterator()
        let stop = await events.next()
        #expect(stop?.name == "STOP")
        #expect(stop?.microseconds == 1_700_000_000_000_250)
        let resume = await events.next()
        #expect(resume?.name == "RESUME")
        #expect(resume?.data["x"]?.int64Value == 1)
        monitor.close()
        #expect(await events.next() == nil)
        #expect(peer.problems.all.isEmpty)
    }

    @Test("an event handler sees an event sent before a reply by the time the command returns; the stream carries none")
    func handlerRunsInOrderWithReplies() async throws {
        let peer = try FakeQMPPeer([
            .swallow("stop"),
            .send(#"{"timestamp": {"seconds": 1700000000, "microseconds": 0}, "event": "STOP"}"#),
            .send(#"{"return": {}}"#),
            .waitForClose,
        ])
        let monitor = try await QMPMonitor(socket: peer.clientSocket)
        let handled = Mutex<[String]>([])
        monitor.handleEvents { event in handled.withLock { $0.append(event.name) } }
        _ = try await monitor.execute("stop")
        #expect(handled.withLock { $0 } == ["STOP"])
        monitor.close()
        var events = monitor.events.makeAsyncIterator()
        #expect(await events.next() == nil)
        #expect(peer.problems.all.isEmpty)
    }

    @Test("a peer that closes fails the waiting command and every later one")
    func peerCloses() async throws {
        let peer = try FakeQMPPeer([.swallow("query-status"), .close])
        let monitor = try await QMPMonitor(socket: peer.clientSocket)
        let error = await #expect(throws: VirError.self) { try await monitor.execute("query-status") }
        #expect(error?.code == .operationFailed)
        #expect(error?.message == "operation failed: End of file from qemu monitor")
        #expect(monitor.hasEnded)
        let later = await #expect(throws: VirError.self) { try await monitor.execute("cont") }
        #expect(later?.message == "operation failed: End of file from qemu monitor")
    }

    @Test("a peer that hangs runs into the timeout; the monitor stays usable and drops the late reply")
    func peerHangs() async throws {
        let peer = try FakeQMPPeer([
            .swallow("query-status"),
            .swallow("query-name"),
            .send(#"{"return": {"status": "running", "singlestep": false, "running": true}}"#),
            .send(#"{"return": {"name": "vm"}}"#),
            .waitForClose,
        ])
        let monitor = try await QMPMonitor(socket: peer.clientSocket)
        let error = await #expect(throws: VirError.self) { try await monitor.execute("query-status", timeout: .milliseconds(50)) }
        #expect(error?.code == .operationTimeout)
        #expect(error?.message == "Timed out during operation: the QEMU monitor did not answer 'query-status' within 0 s")
        #expect(try await monitor.execute("query-name")["name"]?.stringValue == "vm")
        monitor.close()
        #expect(peer.problems.all.isEmpty)
    }

    @Test("a greeting already waiting in the socket is taken (the reader starts only once it is awaited)")
    func earlyGreeting() async throws {
        for _ in 0..<20 {
            let peer = try FakeQMPPeer([.waitForClose])
            try await Task.sleep(for: .microseconds(200))  // the greeting is in the socket before the monitor exists
            let monitor = try await QMPMonitor(socket: peer.clientSocket, timeout: .seconds(5))
            monitor.close()
        }
    }

    @Test("a peer that never greets runs into the timeout")
    func noGreeting() async throws {
        let peer = try FakeQMPPeer([.waitForClose], negotiate: false)
        let error = await #expect(throws: VirError.self) { try await QMPMonitor(socket: peer.clientSocket, timeout: .milliseconds(50)) }
        #expect(error?.code == .operationTimeout)
    }

    @Test("a greeting that is not QMP's, or a line that is not JSON, ends the monitor with a clear error")
    func garbage() async throws {
        let notQMP = try FakeQMPPeer([.send(#"{"hello": 1}"#), .waitForClose], negotiate: false)
        let error = await #expect(throws: VirError.self) { try await QMPMonitor(socket: notQMP.clientSocket) }
        #expect(error?.message == #"internal error: the QEMU monitor did not greet with QMP: {"hello":1}"#)

        let garbled = try FakeQMPPeer([.swallow("query-status"), .send("{not json"), .waitForClose])
        let monitor = try await QMPMonitor(socket: garbled.clientSocket)
        let garbledError = await #expect(throws: VirError.self) { try await monitor.execute("query-status") }
        #expect(garbledError?.message.hasPrefix("internal error: cannot parse json {not json") == true)
    }

    @Test("pass-through adds an id and returns the whole reply, an error reply too")
    func passThrough() async throws {
        let peer = try FakeQMPPeer([
            .answer("query-status", reply: #"{"return": {"status": "running", "singlestep": false, "running": true}}"#),
            .answer("bogus", reply: #"{"error": {"class": "CommandNotFound", "desc": "The command bogus has not been found"}}"#),
            .waitForClose,
        ])
        let monitor = try await QMPMonitor(socket: peer.clientSocket)
        let status = try await monitor.passThrough(try JSONValue(parsing: #"{"execute": "query-status"}"#))
        #expect(status.serialized == #"{"return":{"status":"running","singlestep":false,"running":true},"id":"libvirt-2"}"#)
        let bogus = try await monitor.passThrough(try JSONValue(parsing: #"{"execute":"bogus"}"#))
        #expect(bogus["error"]?["class"]?.stringValue == "CommandNotFound")

        let withID = await #expect(throws: VirError.self) { try await monitor.passThrough(try JSONValue(parsing: #"{"execute":"x","id":"mine"}"#)) }
        #expect(withID?.message == "internal error: duplicate key 'id'")
        let notObject = await #expect(throws: VirError.self) { try await monitor.passThrough(.array([])) }
        #expect(notObject?.code == .internalError)
        monitor.close()
        #expect(peer.problems.all.isEmpty)
    }

    private func waitUntilEnded(_ monitor: QMPMonitor) async throws {
        for await _ in monitor.events {}
        #expect(monitor.hasEnded)
    }
}
