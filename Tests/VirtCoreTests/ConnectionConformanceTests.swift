import Testing
import SwiftVirt

@Suite("Conformance: connection and node")
struct ConnectionConformanceTests {
    @Test(arguments: ConformanceTarget.all)
    func nodeAndConnectionCalls(target: ConformanceTarget) async throws {
        try await target.withConnection { conn in
            #expect(try await !conn.hypervisorType().isEmpty)
            #expect(try await conn.libraryVersion() == LibraryVersion.number)
            #expect(try await conn.uriString() == conn.uri.text)
            #expect(try await !conn.hostname().isEmpty)
            let info = try await conn.nodeInfo()
            #expect(info.cpus > 0 && info.memory > 0 && info.nodes * info.sockets * info.cores * info.threads >= info.cpus)
            if target.features.contains(.capabilities) {
                let caps = try await conn.capabilities()
                #expect(caps.hasPrefix("<capabilities>") && caps.contains("</capabilities>"))
            } else {
                await expectVirError(.noSupport) { _ = try await conn.capabilities() }
            }
        }
    }

    @Test func libraryVersionTypeArgument() throws {
        #expect(try LibraryVersion.version(type: nil).library == 9_000_000)
        #expect(try LibraryVersion.version(type: "Test").type == 9_000_000)
        #expect(try LibraryVersion.version(type: "LXC").type == 9_000_000)
        #expect(throws: VirError.self) { try LibraryVersion.version(type: "Xen") }
        #expect(LibraryVersion.format(9_000_000) == "9.0.0")
    }

    @Test func openRejectsBadURIs() async {
        await expectVirError(.internalError) { _ = try await Connection.open("not a uri") }
        await expectVirError(.internalError) { _ = try await Connection.open("test:///default?x=%zz") }
        await expectVirError(.noConnect) { _ = try await Connection.open("nosuchdriver:///x") }
        await expectVirError(.invalidArg) { _ = try await Connection.open("test://") }
        await expectVirError(.systemError) { _ = try await Connection.open("test:///nonexistent/node.xml") }
    }

    @Test func uriParsing() throws {
        let uri = try ConnectionURI("lxc+unix://user@host:1234/embed?root=%2Ftmp%2Fx&mode=a")
        #expect(uri.driver == "lxc" && uri.transport == "unix" && uri.host == "host" && uri.port == 1234)
        #expect(uri.path == "/embed" && uri.parameter("root") == "/tmp/x" && uri.parameter("mode") == "a")
        #expect(try ConnectionURI("test:///default").path == "/default")
        #expect(throws: VirError.self) { try ConnectionURI("test:/default") }
    }

    @Test(arguments: ConformanceTarget.all)
    func closedConnectionRefusesCalls(target: ConformanceTarget) async throws {
        let (uri, cleanup) = try await target.makeNode()
        defer { cleanup() }
        let conn = try await Connection.open(uri)
        let domain = try await conn.lookupDomain(name: "test")
        await conn.close()
        await conn.close()
        #expect(conn.isClosed)
        await expectVirError(.invalidConn) { _ = try await conn.nodeInfo() }
        await expectVirError(.invalidConn) { _ = try await domain.info() }
    }

    @Test(arguments: ConformanceTarget.all)
    func listingCalls(target: ConformanceTarget) async throws {
        try await target.withConnection { conn in
            _ = try await conn.defineDomain(xml: target.demoXML("conf-b"))
            _ = try await conn.defineDomain(xml: target.demoXML("conf-a"))
            let running = try await conn.createDomain(xml: target.demoXML("conf-t"))
            #expect(try await conn.numberOfDomains() == 2)
            let testID = try await conn.lookupDomain(name: "test").id
            #expect(try await conn.listDomainIDs() == [testID, running.id].sorted())
            #expect(try await conn.listDomainIDs(maxIDs: 1).count == 1)
            #expect(try await conn.numberOfDefinedDomains() == 2)
            #expect(try await conn.listDefinedDomainNames() == ["conf-a", "conf-b"])
            #expect(try await conn.listDefinedDomainNames(maxNames: 0) == [])
            await expectVirError(.invalidArg) { _ = try await conn.listDomainIDs(maxIDs: -1) }
            await expectVirError(.invalidArg) { _ = try await conn.listDefinedDomainNames(maxNames: -1) }

            func names(_ flags: ListDomainsFlags) async throws -> Set<String> {
                Set(try await conn.listAllDomains(flags: flags).map(\.name))
            }
            #expect(try await names([]) == ["test", "conf-a", "conf-b", "conf-t"])
            #expect(try await names(.active) == ["test", "conf-t"])
            #expect(try await names(.inactive) == ["conf-a", "conf-b"])
            #expect(try await names(.transient) == ["conf-t"])
            #expect(try await names([.persistent, .active]) == ["test"])
            #expect(try await names([.active, .inactive]) == ["test", "conf-a", "conf-b", "conf-t"])
            #expect(try await names(.shutoff) == ["conf-a", "conf-b"])
            try await conn.lookupDomain(name: "test").suspend()
            #expect(try await names(.paused) == ["test"])
            #expect(try await names([.running, .paused]) == ["test", "conf-t"])
            #expect(try await names(.other) == [])
            try await conn.lookupDomain(name: "conf-a").setAutostart(true)
            #expect(try await names(.autostart) == ["conf-a"])
            #expect(try await names(.noAutostart) == ["test", "conf-b", "conf-t"])
            if target.features.contains(.snapshots) {
                try await conn.lookupDomain(name: "conf-b").createSnapshot(xml: "<domainsnapshot><name>s</name></domainsnapshot>")
                #expect(try await names(.hasSnapshot) == ["conf-b"])
                #expect(try await names([.noSnapshot, .inactive]) == ["conf-a"])
            } else {
                #expect(try await names(.hasSnapshot) == [])
                #expect(try await names([.noSnapshot, .inactive]) == ["conf-a", "conf-b"])
            }
            #expect(try await names(.noManagedsave).count == 4)
            await expectVirError(.invalidArg) { _ = try await conn.listAllDomains(flags: ListDomainsFlags(rawValue: 1 << 20)) }
        }
    }

    @Test(arguments: ConformanceTarget.all)
    func lookups(target: ConformanceTarget) async throws {
        try await target.withConnection { conn in
            let byName = try await conn.lookupDomain(name: "test")
            #expect(byName.id >= 1)
            #expect(try await conn.lookupDomain(id: byName.id) == byName)
            #expect(try await conn.lookupDomain(uuid: byName.uuid) == byName)
            #expect(try await conn.lookupDomain(uuidBytes: byName.uuid.bytes) == byName)
            #expect(try await conn.lookupDomain(uuidString: "6695eb01-f6a4-8304-79aa-97f2502e193f") == byName)
            #expect(try await conn.lookupDomain(uuidString: "6695EB01F6A4830479AA97F2502E193F") == byName)
            #expect(byName.uuidString == "6695eb01-f6a4-8304-79aa-97f2502e193f")
            #expect(try await byName.osType() == target.osType)
            await expectVirError(.noDomain) { _ = try await conn.lookupDomain(name: "missing") }
            await expectVirError(.noDomain) { _ = try await conn.lookupDomain(id: Int32.max) }
            await expectVirError(.invalidArg) { _ = try await conn.lookupDomain(id: -5) }
            await expectVirError(.noDomain) { _ = try await conn.lookupDomain(uuidString: "00000000-0000-0000-0000-000000000001") }
            await expectVirError(.invalidArg) { _ = try await conn.lookupDomain(uuidString: "not-a-uuid") }
            await expectVirError(.invalidArg) { _ = try await conn.lookupDomain(uuidBytes: [1, 2, 3]) }
        }
    }
}
