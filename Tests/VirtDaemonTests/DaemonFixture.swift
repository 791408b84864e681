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
    /// The root of this virtd's `qemu:///system` (inside `directory`).
    let qemuRoot: String
    private let options: [String]
    private var process: VirtdProcess
    var socket: String { process.socket }
    var readOnlySocket: String { process.readOnlySocket }

    /// Starts virtd with `options` beside its socket paths and its roots, off the
    /// concurrency pool (the start waits for the socket).
    static func start(options: [String] = []) async throws -> DaemonFixture {
        try await offPool { try DaemonFixture(options: options) }
    }

    private init(options: [String]) throws {
        self.options = options
        qemuRoot = directory + "/qemu"
        process = try VirtdProcess(directory: directory, options: ["--lxc-root", lxcRoot, "--qemu-root", qemuRoot] + options)
    }

    deinit {
        process.stop()
        endQEMUs(underRoot: qemuRoot)
        if FileManager.default.fileExists(atPath: lxcRoot) {
            (try? ContextSystem(root: lxcRoot + "/contexts"))?.destroyEverything()
            try? FileManager.default.removeItem(atPath: lxcRoot)
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Stops virtd (SIGTERM) and starts it again on the same sockets and roots.
    func restart() async throws {
        try await offPool { [self] in
            process.stop()
            process = try VirtdProcess(directory: directory, options: ["--lxc-root", lxcRoot, "--qemu-root", qemuRoot] + options)
        }
    }

    /// How many descriptors virtd has open now.
    func openDescriptorCount() throws -> Int {
        try FileManager.default.contentsOfDirectory(atPath: "/proc/\(process.pid)/fd").count
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
