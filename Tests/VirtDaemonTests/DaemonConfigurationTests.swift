import Foundation
import TestSupport
import Testing
import VirtError
import VirtSystem
@testable import VirtDaemon

/// virtd's configuration file (libvirtd.conf's syntax) and options, and TCP on loopback.
struct DaemonConfigurationTests {
    @Test func aFileSetsEverySettingOverTheDefaults() throws {
        var configuration = DaemonConfiguration()
        try configuration.apply("""
            # virtd.conf
            unix_sock_path = "/tmp/a/sock"   # trailing comment
            unix_sock_ro_path = "/tmp/a/sock-ro"

            tcp_listen = "[::1]:16509"
            tcp_read_only = 0
            lxc_root = "/srv/lxc"
            default_uri = "lxc:///system"
            keepalive_interval = 0
            keepalive_count = 9
            busy_poll_us = 0
            log_level = "debug"
            """, from: "virtd.conf")
        var expected = DaemonConfiguration()
        expected.socketPath = "/tmp/a/sock"
        expected.readOnlySocketPath = "/tmp/a/sock-ro"
        expected.tcpListen = TCPEndpoint("[::1]:16509")
        expected.tcpReadOnly = false
        expected.lxcRoot = "/srv/lxc"
        expected.defaultURI = "lxc:///system"
        expected.keepaliveInterval = 0
        expected.keepaliveCount = 9
        expected.busyPollMicroseconds = 0
        expected.logLevel = .debug
        #expect(configuration == expected)
        #expect(expected.tcpListen?.description == "[::1]:16509" && expected.tcpListen?.address.isLoopback == true)
    }

    @Test(arguments: [
        ("unix_sock_path = relative/sock", "2: expecting a number or a quoted string"),
        ("unix_sock_path = \"relative/sock\"", "2: invalid value for 'unix_sock_path'"),
        ("no_such_setting = 1", "2: unknown setting 'no_such_setting'"),
        ("tcp_listen = \"192.168.1.1:16509\"", "2: invalid value for 'tcp_listen'"),
        ("tcp_listen = \"127.0.0.1\"", "2: invalid value for 'tcp_listen'"),
        ("keepalive_count = -1", "2: invalid value for 'keepalive_count'"),
        ("keepalive_count = \"5\"", "2: invalid value for 'keepalive_count'"),
        ("log_level = \"loud\"", "2: invalid value for 'log_level'"),
        ("tcp_read_only = 2", "2: invalid value for 'tcp_read_only'"),
        ("busy_poll_us = 1001", "2: invalid value for 'busy_poll_us'"),
        ("busy_poll_us = -1", "2: invalid value for 'busy_poll_us'"),
        ("just words", "2: expecting 'name = value'"),
        ("default_uri = \"unterminated", "2: expecting a number or a quoted string"),
    ])
    func aWrongLineIsRefusedWithItsNumberAndNothingChanges(line: String, reason: String) {
        var configuration = DaemonConfiguration()
        do throws(VirError) {
            try configuration.apply("# first\n" + line + "\nkeepalive_count = 3", from: "f.conf")
            Issue.record("accepted: \(line)")
        } catch {
            #expect(error.code == .confSyntax && error.domain == .conf)
            #expect(error.message == "configuration file syntax error: f.conf:" + reason)
        }
        #expect(configuration.keepaliveCount == 5, "a failed file sets nothing after its error")
    }

    @Test func optionsUseTheFilesNamesAndAreChecked() throws {
        var configuration = DaemonConfiguration()
        try configuration.set("keepalive_interval", to: "7")
        try configuration.set("unix_sock_path", to: "/tmp/x")
        #expect(configuration.keepaliveInterval == 7 && configuration.socketPath == "/tmp/x")
        #expect(throws: VirError.self) { try configuration.set("lxc_root", to: "relative") }
        #expect(throws: VirError.self) { try configuration.set("nonsense", to: "1") }
        let missing = #expect(throws: VirError.self) { _ = try DaemonConfiguration(contentsOf: "/nonexistent/virtd.conf") }
        #expect(missing?.code == .systemError)
    }

    @Test func tcpOnLoopbackIsReadOnlyUnlessTheFileSaysOtherwise() async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/virsh") else { return }
        for readOnly in [true, false] {
            let port = try Self.freePort()
            let file = "/tmp/swiftvirt-virtd-conf-\(UUID().uuidString)"
            try "tcp_listen = \"127.0.0.1:\(port)\"\ntcp_read_only = \(readOnly ? 1 : 0)\n".write(toFile: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: file) }
            let fixture = try await DaemonFixture.start(options: ["--config", file])
            let run = try await DaemonFixture.virsh(["-c", "test+tcp://127.0.0.1:\(port)/default", "domstate test; destroy test; domstate test"])
            if readOnly {
                #expect(run.output == "running\n\nerror: Failed to destroy domain 'test'\nerror: operation forbidden: read only access prevents virDomainDestroy\n\nrunning\n\n", "\(run.output)")
            } else {
                #expect(run.status == 0 && run.output == "running\n\nDomain 'test' destroyed\n\nshut off\n\n", "\(run.output)")
            }
            withExtendedLifetime(fixture) {}
        }
    }

    @Test func virtdRefusesAFileThatWouldListenBeyondLoopback() async throws {
        let file = "/tmp/swiftvirt-virtd-conf-\(UUID().uuidString)"
        try "tcp_listen = \"0.0.0.0:16509\"\n".write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        await #expect(throws: DaemonUnavailable.self) { _ = try await DaemonFixture.start(options: ["--config", file]) }
        #expect(throws: VirError.self) { _ = try SocketListener(loopback: TCPEndpoint("0.0.0.0:0")!) }
    }

    @Test(arguments: ["127.0.0.1:0", "[::1]:0"])
    func aLoopbackListenerOfEitherFamilyAcceptsAConnection(_ text: String) throws {
        let endpoint = try #require(TCPEndpoint(text))
        guard endpoint.address.family == .ipv4 || FileManager.default.fileExists(atPath: "/proc/net/if_inet6") else { return }
        let listener = try SocketListener(loopback: endpoint)
        defer { listener.close() }
        var bound = endpoint
        bound.port = try #require(listener.port)
        #expect(bound.port != 0 && listener.name == text)
        let client = try StreamSocket.connect(to: bound)
        defer { client.close() }
        let server = try listener.accept()
        defer { server.close() }
        try client.writeAll([42])
        var byte = [UInt8](repeating: 0, count: 1)
        #expect(try server.read(into: &byte) == 1 && byte == [42])
    }

    /// A TCP port on 127.0.0.1 that nothing listens on right now.
    private static func freePort() throws -> UInt16 {
        let probe = try SocketListener(loopback: TCPEndpoint("127.0.0.1:0")!)
        defer { probe.close() }
        return try #require(probe.port)
    }
}
