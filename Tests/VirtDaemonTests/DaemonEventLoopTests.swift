import Foundation
import Glibc
import TestSupport
import Testing
import VirtError
import VirtRPC
import VirtSystem
import XDR

/// virtd serves every client from one event loop: a client that stops reading holds up
/// nobody else and loses nothing, and SIGTERM stops the daemon at once.
struct DaemonEventLoopTests {
    private func getType(serial: UInt32) -> Packet {
        Packet(header: PacketHeader(program: .remote, procedure: RemoteProcedure.connectGetType.rawValue, type: .call, serial: serial))
    }

    @Test func aClientThatStopsReadingHoldsUpNobodyAndLosesNoReply() async throws {
        let fixture = try await DaemonFixture.start()
        let greedy = try DaemonFixture.RawClient(fixture.socket)
        // Enough calls that their replies (errors: no connection is open) fill the socket
        // and virtd's output past the point where it stops reading this client.
        let calls: UInt32 = 16_000
        let frames = (1...calls).flatMap { getType(serial: $0).frame }
        let writer = Task { try await offPool { try greedy.socket.writeAll(frames) } }
        try await Task.sleep(for: .milliseconds(300))

        let other = try DaemonFixture.RawClient(fixture.socket)
        let answered = try await offPool { () throws -> [Packet] in
            let auth = try other.call(Packet(header: PacketHeader(program: .remote, procedure: RemoteProcedure.authList.rawValue, type: .call, serial: 1)))
            let open = try other.call(Packet(header: PacketHeader(program: .remote, procedure: RemoteProcedure.connectOpen.rawValue, type: .call, serial: 2),
                                             body: RemoteConnectOpenArgs(name: "test:///default", flags: 0)))
            return [auth, open, try other.call(getType(serial: 3))]
        }
        #expect(answered.map(\.header.status) == [.ok, .ok, .ok], "another client is served while the first one reads nothing")
        #expect(try answered[2].decode(RemoteConnectGetTypeRet.self).type == "TEST")

        let serials = try await offPool { () throws -> [UInt32] in
            try (1...calls).map { _ in try greedy.receive().header.serial }
        }
        try await writer.value
        #expect(serials == Array(1...calls), "every reply comes, in order, once the client reads")
        withExtendedLifetime(fixture) {}
    }

    @Test func sigtermStopsVirtdAtOnceAndRemovesItsSockets() async throws {
        guard let virtd = builtExecutable("virtd") else { throw DaemonUnavailable("virtd is not built next to the tests") }
        for round in 1...3 {
            let directory = "/tmp/swiftvirt-virtd-stop-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let pid = try spawnWithCleanSignals(virtd, [virtd, "--socket", directory + "/sock", "--socket-ro", directory + "/sock-ro",
                                                        "--lxc-root", directory + "/lxc"], output: .file(directory + "/virtd.log"))
            let status = try await offPool { () throws -> Int32 in
                var connected: StreamSocket?
                for _ in 0..<2500 where connected == nil {
                    connected = try? StreamSocket.connect(to: directory + "/sock")
                    if connected == nil { usleep(2000) }
                }
                let client = try DaemonFixture.RawClient(directory + "/sock")
                connected?.close()
                _ = try client.call(getType(serial: 1))
                kill(pid, SIGTERM)
                return waitForChild(pid, timeout: .seconds(5))  // SIGKILL after that: a failure below
            }
            #expect(status == 0, "round \(round): virtd ended with status \(status) instead of exiting on SIGTERM")
            #expect(!FileManager.default.fileExists(atPath: directory + "/sock") && !FileManager.default.fileExists(atPath: directory + "/sock-ro"))
        }
    }
}
