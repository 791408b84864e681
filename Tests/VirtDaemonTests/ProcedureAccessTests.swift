import TestSupport
import Testing
import VirtError
import VirtRPC
import XDR
@testable import VirtDaemon

/// The table of which procedures mutate, walked whole: on a read-only connection every
/// mutation is refused with libvirt's message and every query gets past that check.
struct ProcedureAccessTests {
    @Test func aReadOnlyConnectionRefusesEveryMutationAndNoQuery() async throws {
        let fixture = try await DaemonFixture.start()
        let readOnly = try DaemonFixture.RawClient(fixture.socket)
        let readWrite = try DaemonFixture.RawClient(fixture.socket)
        let procedures = ProcedureTable.all
        #expect(procedures.count >= 70)
        #expect(procedures.contains { $0.handler.access == .mutation(api: "virDomainDestroy") })
        try await offPool {
            try open(readOnly, flags: 1)
            try open(readWrite, flags: 0)
            for (serial, entry) in procedures.enumerated() where entry.handler.needsConnection {
                // An empty payload: a mutation must be refused before it is even decoded.
                let call = Packet(header: PacketHeader(program: entry.program, procedure: entry.procedure, type: .call, serial: UInt32(serial)))
                let refused = try readOnly.call(call)
                let unrestricted = try readWrite.call(call)
                let refusal = refused.header.status == .error ? try refused.decode(RemoteError.self).virError : nil
                switch entry.handler.access {
                case .mutation(let api):
                    #expect(refusal?.code == .operationDenied, "procedure \(entry.procedure)")
                    #expect(refusal?.message == "operation forbidden: read only access prevents \(api)", "procedure \(entry.procedure)")
                    let error = try unrestricted.decode(RemoteError.self).virError
                    #expect(error.message == "Unable to decode message payload", "procedure \(entry.procedure) on a read-write connection")
                case .query:
                    #expect(refusal?.code != .operationDenied, "procedure \(entry.procedure) is a query")
                }
            }
        }
        withExtendedLifetime(fixture) {}
    }

    private func open(_ client: DaemonFixture.RawClient, flags: Int32) throws {
        let reply = try client.call(Packet(header: PacketHeader(program: .remote, procedure: RemoteProcedure.connectOpen.rawValue, type: .call, serial: 9999),
                                           body: RemoteConnectOpenArgs(name: "test:///default", flags: flags)))
        #expect(reply.header.status == .ok)
    }
}
