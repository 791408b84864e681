import Testing
import VirtError
import VirtXML

/// `<domainsnapshot>`: golden files captured from libvirt 9.0's test driver
/// (`virDomainSnapshotGetXMLDesc`), parsed in redefine mode and formatted back.
struct SnapshotTests {
    @Test(arguments: ["running", "child", "shutoff"])
    func roundTripsLibvirtOutput(name: String) throws {
        let text = try GoldenFiles.read("snapshot/\(name).xml")
        let snapshot = try DomainSnapshotDefinition.parse(text, redefine: true)
        #expect(snapshot.format() == text)
        #expect(snapshot.domain?.name == "test")
        #expect(snapshot.disks == [DomainSnapshotDefinition.Disk(name: "vda", snapshot: .internal)])
    }

    @Test func fields() throws {
        let running = try DomainSnapshotDefinition.parse(try GoldenFiles.read("snapshot/running.xml"), redefine: true)
        #expect(running.name == "s1" && running.description == "first & 'best'")
        #expect(running.state == .running && running.memory == .internal && running.parent == nil)
        let child = try DomainSnapshotDefinition.parse(try GoldenFiles.read("snapshot/child.xml"), redefine: true)
        #expect(child.parent == "s1")
        let off = try DomainSnapshotDefinition.parse(try GoldenFiles.read("snapshot/shutoff.xml"), redefine: true)
        #expect(off.state == .shutoff && off.memory == .no)
    }

    @Test func createFormHasNoDefaults() throws {
        let snapshot = try DomainSnapshotDefinition.parse("<domainsnapshot><name>s</name></domainsnapshot>")
        #expect(snapshot.state == nil && snapshot.memory == nil && snapshot.domain == nil)
        #expect(snapshot.format() == "<domainsnapshot>\n  <name>s</name>\n</domainsnapshot>\n")
    }

    @Test func optionsForUUIDFormActiveAndSecure() throws {
        var snapshot = try DomainSnapshotDefinition.parse(try GoldenFiles.read("snapshot/running.xml"), redefine: true)
        let uuid = try #require(snapshot.domain?.uuid)
        let short = snapshot.format(SnapshotFormatOptions(includeDomain: false, domainUUID: uuid, active: true))
        #expect(short.hasSuffix("""
              <domain>
                <uuid>6695eb01-f6a4-8304-79aa-97f2502e193f</uuid>
              </domain>
              <active>1</active>
            </domainsnapshot>

            """))
        var graphics = GraphicsDevice(type: "vnc")
        graphics.passwd = "pw"
        snapshot.domain?.devices.graphics = [graphics]
        #expect(!snapshot.format().contains("passwd"))
        #expect(snapshot.format(SnapshotFormatOptions(secure: true)).contains("passwd='pw'"))
        snapshot.inactiveDomain = snapshot.domain
        #expect(snapshot.format().contains("  <inactiveDomain type='test'>\n    <name>test</name>"))
        #expect(snapshot.format().contains("  </inactiveDomain>\n</domainsnapshot>\n"))
    }

    @Test func externalDisksAndMemory() throws {
        let text = """
            <domainsnapshot>
              <name>ext</name>
              <memory snapshot='external' file='/var/lib/mem.save'/>
              <disks>
                <disk name='vda' snapshot='external' type='file'>
                  <driver type='qcow2'/>
                  <source file='/var/lib/vda.snap'/>
                </disk>
                <disk name='vdb' snapshot='no'/>
              </disks>
            </domainsnapshot>

            """
        let snapshot = try DomainSnapshotDefinition.parse(text)
        #expect(snapshot.memory == .external && snapshot.memoryFile == "/var/lib/mem.save")
        #expect(snapshot.disks[0].driverType == "qcow2" && snapshot.disks[0].source == "/var/lib/vda.snap")
        #expect(snapshot.format() == text)
        let implied = try DomainSnapshotDefinition.parse("<domainsnapshot><memory file='/m'/><disks><disk name='vda'><source file='/x'/></disk></disks></domainsnapshot>")
        #expect(implied.memory == .external && implied.disks[0].snapshot == .external)
    }

    @Test(arguments: [
        ("<snapshot/>", ErrorCode.xmlError, "domainsnapshot"),
        ("<domainsnapshot><memory snapshot='manual'/></domainsnapshot>", .xmlError, "'manual' memory snapshot mode not supported"),
        ("<domainsnapshot><memory snapshot='internal' file='/x'/></domainsnapshot>", .xmlError, "memory filename '/x' requires external snapshot"),
        ("<domainsnapshot><memory snapshot='external'/></domainsnapshot>", .xmlError, "external memory snapshots require a filename"),
        ("<domainsnapshot><memory file='rel'/></domainsnapshot>", .xmlError, "memory snapshot file path (rel) must be absolute"),
        ("<domainsnapshot><memory snapshot='bogus'/></domainsnapshot>", .xmlError, "element 'memory'"),
        ("<domainsnapshot><disks><disk/></disks></domainsnapshot>", .internalError, "missing name from disk snapshot element"),
        ("<domainsnapshot><disks><disk name='vda'><source file='rel'/></disk></disks></domainsnapshot>", .xmlError, "must be absolute"),
        ("<domainsnapshot><disks><disk name='vda' type='dir'/></disks></domainsnapshot>", .xmlError, "unsupported disk snapshot type 'dir'"),
        ("<domainsnapshot>", .xmlDetail, "(domain_snapshot):1:"),
    ])
    func createErrors(xml: String, code: ErrorCode, message: String) throws {
        let error = try #require(throws: VirError.self) { try DomainSnapshotDefinition.parse(xml) }
        #expect(error.code == code)
        #expect(error.message.contains(message), "\(error.message)")
    }

    @Test(arguments: [
        ("<domainsnapshot><creationTime>1</creationTime><state>running</state></domainsnapshot>", ErrorCode.xmlError, "a redefined snapshot must have a name"),
        ("<domainsnapshot><name>a</name><state>running</state></domainsnapshot>", .internalError, "missing creationTime"),
        ("<domainsnapshot><name>a</name><creationTime>1</creationTime></domainsnapshot>", .xmlError, "missing state"),
        ("<domainsnapshot><name>a</name><creationTime>1</creationTime><state>odd</state></domainsnapshot>", .configUnsupported, "Invalid state 'odd' in domain snapshot XML"),
        ("<domainsnapshot><name>a</name><creationTime>1</creationTime><state>shutoff</state><memory snapshot='internal'/></domainsnapshot>", .xmlError, "memory state cannot be saved with offline or disk-only snapshot"),
        ("<domainsnapshot><name>a</name><creationTime>1</creationTime><state>running</state><domain type='test'><memory>1</memory><os><type>hvm</type></os></domain></domainsnapshot>", .noName, "missing name information"),
    ])
    func redefineErrors(xml: String, code: ErrorCode, message: String) throws {
        let error = try #require(throws: VirError.self) { try DomainSnapshotDefinition.parse(xml, redefine: true) }
        #expect(error.code == code)
        #expect(error.message.contains(message), "\(error.message)")
    }
}
