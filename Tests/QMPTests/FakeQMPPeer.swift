import JSON
import QMP
import VirtError
import VirtSystem

/// A scripted stand-in for QEMU's end of a monitor socket: it plays its steps in order on a
/// thread of its own, and checks each command it reads against the script.
final class FakeQMPPeer: Sendable {
    enum Step: Sendable {
        /// Send this line as it is.
        case send(String)
        /// Read one command, expect it to execute `command`, and answer with `reply`, with
        /// the command's `"id"` member added if it has one.
        case answer(String, reply: String)
        /// Read one command and answer nothing.
        case swallow(String)
        /// Read `count` commands, then answer each, in order, with `{"return": NAME}`.
        case answerTogether(count: Int)
        /// Close the socket.
        case close
        /// Wait for the client to close its end.
        case waitForClose
    }

    /// The client's end, for a `QMPMonitor`.
    let clientSocket: StreamSocket
    private let peer: StreamSocket
    /// What went wrong in the script, if anything: a command it did not expect, ….
    let problems = StringLog()
    /// Every line the client sent, as it sent it (but the line end).
    let received = StringLog()

    /// The greeting of QEMU 7.2, as it sends it.
    static let greeting = #"{"QMP": {"version": {"qemu": {"micro": 0, "minor": 2, "major": 7}, "package": "Debian 1:7.2+dfsg-7"}, "capabilities": ["oob"]}}"#

    /// Starts playing `steps` (after the greeting and the capabilities negotiation, unless
    /// `negotiate` is false).
    init(_ steps: [Step], negotiate: Bool = true) throws {
        let (client, server) = try SocketPair.make()
        clientSocket = StreamSocket(descriptor: client)
        peer = StreamSocket(descriptor: server)
        let script = (negotiate ? [.send(Self.greeting), .answer("qmp_capabilities", reply: #"{"return": {}}"#)] : []) + steps
        let peer = peer
        let (problems, received) = (problems, received)
        try DetachedThread.start { Self.play(script, on: peer, problems: problems, received: received) }
    }

    private static func play(_ script: [Step], on peer: StreamSocket, problems: StringLog, received: StringLog) {
        let lines = LineSource(socket: peer, log: received)
        defer { peer.close() }
        for step in script {
            switch step {
            case .send(let line):
                write(line, to: peer)
            case .answer(let command, let reply):
                guard let request = lines.nextCommand(expecting: command, problems: problems) else { return }
                guard (try? JSONValue(parsing: reply)) != nil, reply.hasSuffix("}") else { return problems.add("bad reply in the script: \(reply)") }
                // The id goes last, the reply's text kept as written: what QEMU does.
                write(request["id"].map { String(reply.dropLast()) + ", \"id\": " + $0.serialized + "}" } ?? reply, to: peer)
            case .swallow(let command):
                guard lines.nextCommand(expecting: command, problems: problems) != nil else { return }
            case .answerTogether(let count):
                var requests: [JSONValue] = []
                for _ in 0..<count {
                    guard let request = lines.nextCommand(expecting: nil, problems: problems) else { return }
                    requests.append(request)
                }
                for request in requests {
                    let answer: [JSONValue.Member] = [.init("return", request["execute"] ?? .null)]
                    write(JSONValue.object(answer + (request["id"].map { [.init("id", $0)] } ?? [])).serialized, to: peer)
                }
            case .close:
                return
            case .waitForClose:
                if let extra = lines.nextLine() { problems.add("expected the end, got \(extra)") }
            }
        }
    }

    private static func write(_ line: String, to peer: StreamSocket) {
        try? peer.writeAll(Array((line + "\r\n").utf8))
    }
}

/// Lines read from the peer's socket, each noted down in `log`.
private final class LineSource {
    let socket: StreamSocket
    let log: StringLog
    var buffer: [UInt8] = []

    init(socket: StreamSocket, log: StringLog) {
        self.socket = socket
        self.log = log
    }

    func nextLine() -> String? {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                defer { buffer.removeSubrange(...newline) }
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                log.add(line)
                return line
            }
            guard let count = try? socket.read(into: &chunk), count > 0 else { return nil }
            buffer.append(contentsOf: chunk[..<count])
        }
    }

    func nextCommand(expecting command: String?, problems: StringLog) -> JSONValue? {
        guard let line = nextLine() else {
            problems.add("the client closed while \(command ?? "a command") was expected")
            return nil
        }
        guard let request = try? JSONValue(parsing: line) else {
            problems.add("not JSON: \(line)")
            return nil
        }
        if let command, request["execute"]?.stringValue != command {
            problems.add("expected \(command), got \(line)")
        }
        return request
    }
}
