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
        /// Read one command, expect it to execute `command`, and answer with `reply`, whose
        /// `"id"` member is set to the command's.
        case answer(String, reply: String)
        /// Read one command and answer nothing.
        case swallow(String)
        /// Read `count` commands, then answer them in reverse order with `{"return": NAME}`.
        case answerReversed(count: Int)
        /// Close the socket.
        case close
        /// Wait for the client to close its end.
        case waitForClose
    }

    /// The client's end, for a `QMPMonitor`.
    let clientSocket: StreamSocket
    private let peer: StreamSocket
    /// What went wrong in the script, if anything: a command it did not expect, ….
    let problems = ProblemLog()

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
        let problems = problems
        try DetachedThread.start { Self.play(script, on: peer, problems: problems) }
    }

    private static func play(_ script: [Step], on peer: StreamSocket, problems: ProblemLog) {
        let lines = LineSource(socket: peer)
        defer { peer.close() }
        for step in script {
            switch step {
            case .send(let line):
                write(line, to: peer)
            case .answer(let command, let reply):
                guard let request = lines.nextCommand(expecting: command, problems: problems) else { return }
                guard (try? JSONValue(parsing: reply)) != nil, reply.hasSuffix("}") else { return problems.add("bad reply in the script: \(reply)") }
                // The id goes last, the reply's text kept as written: what QEMU does.
                write(String(reply.dropLast()) + ", \"id\": " + (request["id"] ?? .null).serialized + "}", to: peer)
            case .swallow(let command):
                guard lines.nextCommand(expecting: command, problems: problems) != nil else { return }
            case .answerReversed(let count):
                var requests: [JSONValue] = []
                for _ in 0..<count {
                    guard let request = lines.nextCommand(expecting: nil, problems: problems) else { return }
                    requests.append(request)
                }
                for request in requests.reversed() {
                    write(JSONValue.object(["return": request["execute"] ?? .null, "id": request["id"] ?? .null]).serialized, to: peer)
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

/// Lines read from the peer's socket.
private final class LineSource {
    let socket: StreamSocket
    var buffer: [UInt8] = []

    init(socket: StreamSocket) { self.socket = socket }

    func nextLine() -> String? {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                defer { buffer.removeSubrange(...newline) }
                return String(decoding: buffer[..<newline], as: UTF8.self)
            }
            guard let count = try? socket.read(into: &chunk), count > 0 else { return nil }
            buffer.append(contentsOf: chunk[..<count])
        }
    }

    func nextCommand(expecting command: String?, problems: ProblemLog) -> JSONValue? {
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
