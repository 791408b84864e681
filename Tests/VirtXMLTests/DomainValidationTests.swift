import Testing
import VirtError
import VirtXML

/// Validation errors: the code and message libvirt 9.0 gives (checked with
/// `virsh -c test:///default define`), plus SwiftVirt's stricter name rules.
struct DomainValidationTests {
    private func domain(type: String = "test", name: String? = "vm", _ body: String = "") -> String {
        let nameElement = name.map { "<name>\($0)</name>" } ?? ""
        let os = body.contains("<os>") ? "" : "<os><type>hvm</type></os>"
        let memory = body.contains("emory") ? "" : "<memory>1024</memory>"
        return "<domain type='\(type)'>\(nameElement)\(memory)\(os)\(body)</domain>"
    }

    private func failure(_ xml: String) throws -> VirError {
        try #require(throws: VirError.self) { try DomainDefinition.parse(xml) }
    }

    @Test(arguments: [
        ("<domain type='test'><name>a</name>", ErrorCode.xmlDetail, "Premature end of data in tag domain"),
        ("<dom type='test'><name>a</name></dom>", .xmlError, "expecting root element of 'domain', not 'dom'"),
        ("<domain><name>a</name><memory>1</memory><os><type>hvm</type></os></domain>", .internalError, "missing domain type attribute"),
    ])
    func structuralErrors(xml: String, code: ErrorCode, message: String) throws {
        let error = try failure(xml)
        #expect(error.code == code)
        #expect(error.message.contains(message), "\(error.message)")
    }

    @Test func invalidDomainType() throws {
        let error = try failure(domain(type: "foo"))
        #expect(error.code == .configUnsupported)
        #expect(error.message == "unsupported configuration: invalid domain type foo")
    }

    @Test func missingOrEmptyName() throws {
        for xml in [domain(name: nil), domain(name: "")] {
            let error = try failure(xml)
            #expect(error.code == .noName)
            #expect(error.message == "missing name information")
        }
    }

    @Test(arguments: ["a/b", "a\nb", ".hidden", String(repeating: "x", count: 256)])
    func badNames(name: String) throws {
        let error = try failure(domain(name: name))
        #expect(error.code == .xmlError || error.code == .xmlDetail)
        #expect(error.message.contains("name"))
    }

    @Test func nameRulesForCodeBuiltDefinitions() throws {
        #expect(throws: VirError.self) { try DomainDefinition.validateName("a\u{0}b") }
        #expect(throws: Never.self) { try DomainDefinition.validateName(String(repeating: "é", count: 127)) }
        #expect(throws: VirError.self) { try DomainDefinition.validateName(String(repeating: "é", count: 128)) }
    }

    @Test func libvirtNameMessage() throws {
        #expect(try failure(domain(name: "a/b")).message == "XML error: name a/b cannot contain '/'")
    }

    @Test func invalidUUID() throws {
        let error = try failure(domain("<uuid>xyz</uuid>"))
        #expect(error.code == .internalError)
        #expect(error.message == "internal error: malformed uuid element")
    }

    @Test func generatesUUIDWhenMissing() throws {
        let a = try DomainDefinition.parse(domain())
        let b = try DomainDefinition.parse(domain())
        #expect(a.uuid != b.uuid)
        #expect(a.uuid.bytes[6] >> 4 == 4)
    }

    @Test(arguments: [
        ("<memory unit='XB'>1024</memory>", ErrorCode.invalidArg, "invalid argument: unknown suffix 'XB'"),
        ("<memory>-1</memory>", .xmlError, "XML error: Invalid value '-1' for element or attribute './memory[1]'"),
        ("<memory>abc</memory>", .xmlError, "XML error: Invalid value 'abc' for element or attribute './memory[1]'"),
        ("<memory>99999999999999999999999</memory>", .xmlError, "Invalid value '99999999999999999999999'"),
        ("<memory unit='EiB'>100</memory>", .overflow, "numerical overflow: value too large: 100EiB"),
        ("<memory>0</memory>", .xmlError, "Memory size must be specified via <memory>"),
        ("<currentMemory>10</currentMemory>", .xmlError, "Memory size must be specified via <memory>"),
        ("<maxMemory>1024</maxMemory><memory>1024</memory>", .xmlError, "both maximum memory size and memory slot count"),
        ("<maxMemory slots='1'>1</maxMemory><memory>1024</memory>", .xmlError, "<maxMemory>"),
        ("<memory>1024</memory><memtune><hard_limit unit='q'>1</hard_limit></memtune>", .invalidArg, "unknown suffix 'q'"),
    ])
    func memoryErrors(body: String, code: ErrorCode, message: String) throws {
        let error = try failure(domain(body))
        #expect(error.code == code)
        #expect(error.message.contains(message), "\(error.message)")
    }

    @Test func currentMemoryIsClampedToMemory() throws {
        let def = try DomainDefinition.parse(domain("<memory>1024</memory><currentMemory>4096</currentMemory>"))
        #expect(def.memory == 1024 && def.currentMemory == 1024)
    }

    @Test(arguments: [
        ("<vcpu current='4'>2</vcpu>", ErrorCode.configUnsupported, "maximum vCPU count must not be less than current vCPU count"),
        ("<vcpu>x</vcpu>", .xmlError, "maximum vcpus count must be an integer"),
        ("<vcpu current='x'>2</vcpu>", .xmlError, "current vcpus count must be an integer"),
        ("<vcpu>0</vcpu>", .xmlError, "<vcpu>"),
        ("<vcpu placement='x'>1</vcpu>", .xmlError, "Invalid value for attribute 'placement' in element 'vcpu': 'x'."),
        ("<vcpu cpuset='3-1'>1</vcpu>", .xmlError, "'cpuset' in element 'vcpu'"),
    ])
    func vcpuErrors(body: String, code: ErrorCode, message: String) throws {
        let error = try failure(domain(body))
        #expect(error.code == code)
        #expect(error.message.contains(message), "\(error.message)")
    }

    @Test(arguments: [
        ("<on_reboot>foo</on_reboot>", "unknown on_reboot action: foo"),
        ("<on_poweroff>coredump-destroy</on_poweroff>", "unknown on_poweroff action: coredump-destroy"),
        ("<on_crash>explode</on_crash>", "unknown on_crash action: explode"),
    ])
    func lifecycleErrors(body: String, message: String) throws {
        let error = try failure(domain(body))
        #expect(error.code == .configUnsupported)
        #expect(error.message == "unsupported configuration: " + message)
    }

    @Test func osErrors() throws {
        let missing = try failure("<domain type='test'><name>a</name><memory>1</memory></domain>")
        #expect(missing.code == .xmlError && missing.message == "XML error: an os <type> must be specified")
        let unknown = try failure(domain("<os><type>foo</type></os>"))
        #expect(unknown.code == .configUnsupported && unknown.message == "unsupported configuration: unknown OS type 'foo'")
        let boot = try failure(domain("<os><type>hvm</type><boot dev='usb'/></os>"))
        #expect(boot.message.contains("boot device"))
    }

    @Test func deviceErrors() throws {
        #expect(try failure(domain("<devices><disk type='file'><source file='/a'/></disk></devices>")).code == .noTarget)
        #expect(try failure(domain("<devices><disk type='nope'><target dev='a'/></disk></devices>")).message.contains("element 'disk'"))
        #expect(try failure(domain("<devices><interface/></devices>")).message.contains("<interface>"))
        #expect(try failure(domain("<devices><graphics type='vnc' port='x'/></devices>")).message.contains("element 'graphics'"))
        let unmappedRoot = try failure(domain("<idmap><uid start='1' target='1000' count='10'/><gid start='0' target='1000' count='10'/></idmap>"))
        #expect(unmappedRoot.code == .configUnsupported && unmappedRoot.message.hasSuffix("You must map the root user of container"))
        let onlyUIDs = try failure(domain("<idmap><uid start='0' target='1000' count='10'/></idmap>"))
        #expect(onlyUIDs.code == .configUnsupported && onlyUIDs.message.hasSuffix("uid and gid should be mapped both"))
        #expect(try failure(domain("<idmap><uid start='0' count='10'/><gid start='0' target='1' count='1'/></idmap>")).code == .xmlError)
        #expect(try failure(domain("<seclabel type='dynamic' relabel='no'/>")).message.contains("<seclabel>"))
    }
}
