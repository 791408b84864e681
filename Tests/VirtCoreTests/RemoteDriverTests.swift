import Foundation
import Synchronization
import SwiftVirt
import Testing
import TestSupport
import VirtRPC
import VirtSystem
import XDR
@testable import VirtDriverRemote

/// What the remote driver adds to libvirt's: URIs as libvirt's client reads them, a
/// connection state that follows the daemon, events that survive a daemon restart, and
/// deadlines on calls. (The conformance suite runs every call through it, to virtd and to a
/// stock libvirtd.)
struct RemoteDriverTests {
    @Test(arguments: [
        ("test+unix:///default?socket=/tmp/s", false, RemoteTarget.Endpoint.unix("/tmp/s"), "test:///default"),
        ("test+unix:///default", false, .unix(VirtdSocket.readWrite), "test:///default"),
        ("test+unix:///default", true, .unix(VirtdSocket.readOnly), "test:///default"),
        ("lxc+unix:///embed?root=/srv/my%20ct&socket=/s&no_tty=1", false, .unix("/s"), "lxc:///embed?root=/srv/my%20ct"),
        ("test+unix:///default?socket=/s&name=test:///other.xml", false, .unix("/s"), "test:///other.xml"),
        ("lxc:///", false, .unix(VirtdSocket.readWrite), "lxc:///"),
        ("lxc:///system", true, .unix(VirtdSocket.readOnly), "lxc:///system"),
        ("qemu:///system", false, .unix(VirtdSocket.readWrite), "qemu:///system"),
        ("qemu+tcp://localhost/system", false, .tcp(TCPEndpoint("127.0.0.1:16509")!), "qemu:///system"),
        ("test+tcp://[::1]:1234/default", false, .tcp(TCPEndpoint("[::1]:1234")!), "test:///default"),
    ])
    func aRemoteURINamesItsDaemonAndTheURIItOpens(uri: String, readOnly: Bool, endpoint: RemoteTarget.Endpoint, name: String) throws {
        let target = try #require(try RemoteTarget.of(ConnectionURI(uri), readOnly: readOnly))
        #expect(target == RemoteTarget(endpoint: endpoint, name: name))
    }

    @Test func localURIsAreNotRemoteAndUnreachableTransportsAreRefused() throws {
        for local in ["test:///default", "lxc:///embed?root=/x", "qemu:///embed?root=/x", "qemu:///session"] {
            #expect(try RemoteTarget.of(ConnectionURI(local), readOnly: false) == nil)
        }
        for bad in ["test+ssh://host/default", "test+tls://host/default", "test+unix://host/default", "test+tcp://example.com/default"] {
            #expect(throws: VirError.self) { _ = try RemoteTarget.of(ConnectionURI(bad), readOnly: false) }
        }
    }

    @Test func anAbsentDaemonFailsTheOpenAsLibvirtsClientDoes() async throws {
        let socket = "/tmp/swiftvirt-no-daemon-\(UUID().uuidString)"
        let error = await expectVirError(.systemError) { _ = try await Connection.open("test+unix:///default?socket=\(socket)") }
        #expect(error?.message == "Failed to connect socket to '\(socket)': No such file or directory")
    }

    @Test func theStateFollowsTheDaemonAndEventsComeBackAfterARestart() async throws {
        let directory = "/tmp/swiftvirt-remote-test-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var daemon = try await offPool { try VirtdProcess(directory: directory) }
        let connection = try await Connection.open("test+unix:///default?socket=\(daemon.socket)")
        var states = await connection.connectionStateChanges().makeAsyncIterator()
        var events = try await connection.lifecycleEvents().makeAsyncIterator()
        #expect(await connection.isAlive())

        try await offPool { [daemon] in daemon.stop() }
        guard case .disconnected(let reason)? = await states.next() else { Issue.record("no disconnection"); return }
        #expect(reason.contains("End of file"))
        #expect(await !connection.isAlive())
        await expectVirError(.systemError) { _ = try await connection.hypervisorType() }

        // A new virtd on the same socket: the driver finds it by itself, since events are
        // wanted, and registers them again.
        daemon = try await offPool { try VirtdProcess(directory: directory) }
        #expect(await states.next() == .reconnected)
        #expect(await connection.isAlive())
        try await connection.lookupDomain(name: "test").suspend()
        let event = await events.next()
        #expect(event?.domain.name == "test" && event?.type == .suspended)
        await connection.close()
        try await offPool { [daemon] in daemon.stop() }
    }

    @Test func aDeadlineEndsACallTheDaemonNeverAnswersAndCancellationEndsAnother() async throws {
        let silent = try SilentDaemon()
        let connection = try await Connection.open("test+unix:///default?socket=\(silent.path)")
        let started = ContinuousClock.now
        let late = await expectVirError(.operationTimeout) {
            _ = try await CallDeadline.within(.milliseconds(200)) { try await connection.hypervisorType() }
        }
        #expect(late?.message.hasPrefix("Timed out during operation") == true)
        #expect(ContinuousClock.now - started < .seconds(5))

        let waiting = Task { try await connection.hostname() }
        try await Task.sleep(for: .milliseconds(50))
        waiting.cancel()
        await expectVirError(.operationAborted) { _ = try await waiting.value }
        silent.stop()
        await connection.close()
    }
}

/// A daemon that completes the handshake (authentication list, open) and then never
/// answers, on a unix socket of its own.
private final class SilentDaemon: @unchecked Sendable {
    let path = "/tmp/swiftvirt-silent-\(UUID().uuidString)"
    private let listener: SocketListener
    private let accepted = Mutex<StreamSocket?>(nil)

    init() throws {
        listener = try SocketListener(unixPath: path, mode: 0o600)
        Thread { [self] in
            guard let client = try? listener.accept() else { return }
            accepted.withLock { $0 = client }
            var reader = FrameReader()
            var buffer = [UInt8](repeating: 0, count: 4096)
            var answered = 0
            while let count = try? client.read(into: &buffer), count > 0 {
                reader.append(buffer[0..<count])
                while let packet = try? reader.next() {
                    guard answered < 2 else { continue }
                    answered += 1
                    let reply = packet.header.procedure == RemoteProcedure.authList.rawValue
                        ? Packet(header: packet.header.reply(), body: RemoteAuthListRet(types: [0]))
                        : Packet(header: packet.header.reply())
                    try? client.writeAll(reply.frame)
                }
            }
            client.close()
        }.start()
    }

    /// Stops listening and hangs up on the client.
    func stop() {
        listener.close()
        accepted.withLock { $0?.shutdown() }
    }
}
