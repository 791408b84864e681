import Foundation
import TestSupport
import Testing
import VirtError
import VirtRPC
import XDR

/// The protocol's rules, with a raw client: what libvirtd answers to calls out of order,
/// unknown procedures and programs.
struct DaemonProtocolTests {
    private func call(_ procedure: Int32, program: RPCProgram = .remote, version: UInt32 = 1, serial: UInt32,
                      body: some XDRCodable = XDRVoid()) -> Packet {
        Packet(header: PacketHeader(program: program, version: version, procedure: procedure, type: .call, serial: serial), body: body)
    }

    private func error(of reply: Packet) throws -> VirError {
        #expect(reply.header.status == .error)
        return try reply.decode(RemoteError.self).virError
    }

    @Test func callsBeforeOpenUnknownProceduresProgramsAndASecondOpenGetLibvirtdsErrors() async throws {
        let fixture = try await DaemonFixture.start()
        let client = try DaemonFixture.RawClient(fixture.socket)
        try await offPool { try exchange(client) }
        withExtendedLifetime(fixture) {}
    }

    private func exchange(_ client: DaemonFixture.RawClient) throws {
        let early = try error(of: client.call(call(RemoteProcedure.connectListAllDomains.rawValue, serial: 0,
                                                   body: RemoteConnectListAllDomainsArgs(needResults: 1, flags: 0))))
        #expect(early.code == .internalError && early.domain == .rpc && early.message == "internal error: hypervisor connection not open")

        let auth = try client.call(call(RemoteProcedure.authList.rawValue, serial: 1))
        #expect(try auth.decode(RemoteAuthListRet.self).types == [0])

        let open = try client.call(call(RemoteProcedure.connectOpen.rawValue, serial: 2, body: RemoteConnectOpenArgs(name: "test:///default", flags: 0)))
        #expect(open.header.status == .ok && open.header.serial == 2 && open.payload.isEmpty)
        let again = try error(of: client.call(call(RemoteProcedure.connectOpen.rawValue, serial: 3, body: RemoteConnectOpenArgs(name: "test:///default", flags: 0))))
        #expect(again.message == "internal error: connection already open")

        let unknown = try error(of: client.call(call(9999, serial: 4)))
        #expect(unknown.code == .rpc && unknown.domain == .rpc && unknown.message == "unknown procedure: 9999")
        let program = try client.call(call(1, program: RPCProgram(rawValue: 0x1234_5678), serial: 5))
        #expect(program.header.program.rawValue == 0x1234_5678)
        #expect(try error(of: program).message == "Cannot find program 305419896 version 1")
        #expect(try error(of: client.call(call(1, version: 2, serial: 6))).message.hasPrefix("Cannot find program"))

        let garbage = try error(of: client.call(Packet(header: PacketHeader(program: .remote, procedure: RemoteProcedure.domainLookupByName.rawValue,
                                                                             type: .call, serial: 7), payload: [0, 0, 0, 9, 65])))
        #expect(garbage.code == .rpc && garbage.message == "Unable to decode message payload")

        let list = try client.call(call(RemoteProcedure.connectListAllDomains.rawValue, serial: 8, body: RemoteConnectListAllDomainsArgs(needResults: 1, flags: 0)))
        let domains = try list.decode(RemoteConnectListAllDomainsRet.self)
        #expect(domains.domains.map(\.name) == ["test"] && domains.ret == 1 && list.header.serial == 8)

        let ping = Packet(header: PacketHeader(program: .keepalive, procedure: KeepaliveProcedure.ping.rawValue, type: .message, serial: 0))
        try client.socket.writeAll(ping.frame)
        #expect(try client.receive().header.procedure == KeepaliveProcedure.pong.rawValue)
    }

    /// save and restore through the protocol (virsh's own `save` job watcher can hang when
    /// the machine is loaded, so a raw client drives them).
    @Test func saveStopsTheDomainAndRestoreBringsItBack() async throws {
        let fixture = try await DaemonFixture.start()
        let client = try DaemonFixture.RawClient(fixture.socket)
        let image = fixture.directory + "/saved"
        try await offPool {
            _ = try client.call(call(RemoteProcedure.connectOpen.rawValue, serial: 1, body: RemoteConnectOpenArgs(name: "test:///default", flags: 0)))
            let test = try client.call(call(RemoteProcedure.domainLookupByName.rawValue, serial: 2, body: RemoteDomainLookupByNameArgs(name: "test")))
                .decode(RemoteDomainLookupByNameRet.self).dom
            func state() throws -> RemoteDomainGetStateRet {
                try client.call(call(RemoteProcedure.domainGetState.rawValue, serial: 3, body: RemoteDomainGetStateArgs(dom: test, flags: 0))).decode()
            }
            #expect(try client.call(call(RemoteProcedure.domainSave.rawValue, serial: 4, body: RemoteDomainSaveArgs(dom: test, to: image))).header.status == .ok)
            #expect(try state() == RemoteDomainGetStateRet(state: 5, reason: 5))  // shut off, saved
            let again = try error(of: client.call(call(RemoteProcedure.domainSave.rawValue, serial: 5, body: RemoteDomainSaveArgs(dom: test, to: image))))
            #expect(again.code == .operationInvalid, "\(again.message)")
            #expect(try error(of: client.call(call(RemoteProcedure.domainRestore.rawValue, serial: 6, body: RemoteDomainRestoreArgs(from: "/nonexistent")))).code == .systemError)
            #expect(try client.call(call(RemoteProcedure.domainRestore.rawValue, serial: 7, body: RemoteDomainRestoreArgs(from: image))).header.status == .ok)
            #expect(try state() == RemoteDomainGetStateRet(state: 1, reason: 3))  // running, restored
        }
        withExtendedLifetime(fixture) {}
    }

    @Test func descriptorsSentWithACallAreClosedAndStrayStreamPacketsIgnored() async throws {
        let fixture = try await DaemonFixture.start()
        let client = try DaemonFixture.RawClient(fixture.socket)
        try await offPool {
            _ = try client.call(call(RemoteProcedure.connectOpen.rawValue, serial: 1, body: RemoteConnectOpenArgs(name: "test:///default", flags: 0)))
            var ends: [Int32] = [-1, -1]
            try #require(pipe(&ends) == 0)
            defer { close(ends[0]) }
            var withCount = XDREncoder()
            withCount.encode(UInt32(1))
            let typeCall = Packet(header: PacketHeader(program: .remote, procedure: RemoteProcedure.connectGetType.rawValue, type: .callWithFDs, serial: 2),
                                  payload: withCount.bytes)
            try client.socket.writeAll(typeCall.frame)
            try client.socket.sendDescriptor(ends[1])
            close(ends[1])
            let type = try client.receive()
            #expect(type.header.type == .reply, "\(type.header) \(type.payload)")
            #expect(try type.decode(RemoteConnectGetTypeRet.self).type == "TEST")
            var hangup = pollfd(fd: ends[0], events: Int16(POLLIN), revents: 0)
            #expect(poll(&hangup, 1, 5000) == 1 && hangup.revents & Int16(POLLHUP) != 0, "virtd closed the descriptor it was given")

            // A stream packet for no stream is dropped, as libvirtd drops it.
            try client.socket.writeAll(Packet(header: PacketHeader(program: .remote, procedure: 201, type: .stream, serial: 77, status: .continue),
                                              payload: [1, 2, 3]).frame)
            let lookup = try client.call(call(RemoteProcedure.domainLookupByName.rawValue, serial: 3, body: RemoteDomainLookupByNameArgs(name: "test")))
            #expect(lookup.header.serial == 3)
            let test = try lookup.decode(RemoteDomainLookupByNameRet.self).dom
            let namespaces = try error(of: client.call(call(LXCProcedure.domainOpenNamespace.rawValue, program: .lxc, serial: 4,
                                                            body: LxcDomainOpenNamespaceArgs(dom: test, flags: 0))))
            #expect(namespaces.code == .noSupport && namespaces.message.hasSuffix("virDomainLxcOpenNamespace"), "\(namespaces.message)")

            // A descriptor announced but not sent breaks the protocol: the client is dropped.
            try client.socket.writeAll(typeCall.frame + [0])
            #expect(throws: DaemonFixture.RawClient.RawClientClosed.self) { try client.receive() }
        }
        withExtendedLifetime(fixture) {}
    }

    @Test func aLengthWordOutOfRangeDropsTheClient() async throws {
        let fixture = try await DaemonFixture.start()
        let client = try DaemonFixture.RawClient(fixture.socket)
        let read = try await offPool { () throws -> Int in
            try client.socket.writeAll([0x7f, 0xff, 0xff, 0xff])
            var buffer = [UInt8](repeating: 0, count: 16)
            return try client.socket.read(into: &buffer)
        }
        #expect(read == 0)
        withExtendedLifetime(fixture) {}
    }
}
