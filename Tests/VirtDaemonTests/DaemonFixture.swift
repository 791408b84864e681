import Foundation
import TestSupport
import VirtContexts
import VirtRPC
import VirtSystem

/// A virtd process of the test's own (the `virtd` built beside the test binary), on
/// sockets of a temporary directory; stopped with SIGTERM and removed afterwards. A process,
/// not a `Daemon` in the test process, so that its `test:///default` is its own.
final class DaemonFixture: @unchecked Sendable {
    let directory = "/tmp/swiftvirt-virtd-test-\(UUID().uuidString)"
    /// The root of this virtd's `lxc:///`, where containers run (killed afterwards).
    let lxcRoot = ContextSystem.runBase + "/virtd-test-\(UUID().uuidString)"
    private let options: [String]
    private var process = Process()
    var socket: String { directory + "/sock" }
    var readOnlySocket: String { directory + "/sock-ro" }

    /// Starts virtd with `options` beside its socket paths and its `lxc:///` root.
    init(options: [String] = []) throws {
        self.options = options
        try start()
    }

    deinit {
        stop()
        if FileManager.default.fileExists(atPath: lxcRoot) {
            (try? ContextSystem(root: lxcRoot + "/contexts"))?.destroyEverything()
            try? FileManager.default.removeItem(atPath: lxcRoot)
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Stops virtd (SIGTERM) and starts it again on the same sockets and roots.
    func restart() throws {
        stop()
        process = Process()
        try start()
    }

    /// How many descriptors virtd has open now.
    func openDescriptorCount() throws -> Int {
        try FileManager.default.contentsOfDirectory(atPath: "/proc/\(process.processIdentifier)/fd").count
    }

    private func start() throws {
        process.executableURL = URL(fileURLWithPath: try Self.virtdPath())
        process.arguments = ["--socket", socket, "--socket-ro", readOnlySocket, "--lxc-root", lxcRoot] + options
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        for _ in 0..<500 where process.isRunning && !FileManager.default.fileExists(atPath: readOnlySocket) { usleep(2000) }
        guard FileManager.default.fileExists(atPath: readOnlySocket) else {
            throw NoDaemon(reason: process.isRunning ? "virtd made no socket within 1 s" : "virtd exited")
        }
    }

    private func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    /// The virtd next to the test binary (or in a directory above it).
    private static func virtdPath() throws -> String {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: executable).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("virtd").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        throw NoDaemon(reason: "virtd is not built next to the tests (swift build --build-tests builds it)")
    }

    struct NoDaemon: Error { let reason: String }

    /// Runs `body`, which blocks on a socket or a process, on a thread of its own rather
    /// than on one of the Swift concurrency pool's two threads.
    static func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }

    /// Runs stock virsh with `arguments` (off the pool); its exit status and both streams.
    static func virsh(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await offPool { try runTool(["/usr/bin/virsh"] + arguments) }
    }

    /// A raw protocol client on `path`: sends packets and reads whole replies.
    final class RawClient: @unchecked Sendable {
        let socket: StreamSocket
        private var reader = FrameReader()

        /// Connects to `path`; a read that waits over 20 s fails instead of hanging the test.
        init(_ path: String) throws {
            socket = try StreamSocket.connect(to: path)
            var limit = timeval(tv_sec: 20, tv_usec: 0)
            setsockopt(socket.descriptor, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        }
        deinit { socket.close() }

        /// Sends `packet` and returns the next packet that is not a MESSAGE (events and
        /// pings are kept in ``messages``).
        func call(_ packet: Packet) throws -> Packet {
            try socket.writeAll(packet.frame)
            while true {
                let next = try receive()
                if next.header.type == .message { messages.append(next) } else { return next }
            }
        }

        /// MESSAGE packets that arrived while waiting for replies.
        var messages: [Packet] = []

        /// The next packet from the daemon, whatever its type.
        func receive() throws -> Packet {
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                if let packet = try reader.next() { return packet }
                let count = try socket.read(into: &buffer)
                guard count > 0 else { throw RawClientClosed() }
                reader.append(buffer[0..<count])
            }
        }

        struct RawClientClosed: Error {}
    }
}
