import Foundation
import Testing
import VirtXML

/// xml2xml: every `Golden/xml2xml/NAME.xml` parses and formats to `NAME.out.xml` (or itself),
/// byte for byte, as libvirt 9.0's `virsh dumpxml --security-info` prints it.
struct DomainGoldenTests {
    @Test("xml2xml golden files", arguments: GoldenFiles.xml2xmlCases())
    func xml2xml(name: String) throws {
        let input = try GoldenFiles.read("xml2xml/\(name).xml")
        let definition = try DomainDefinition.parse(input)
        let id = try XMLParser.parse(input).root.attribute("id").flatMap { Int32($0) }
        let output = definition.format(DomainFormatOptions(id: id, secure: true))
        if let dump = ProcessInfo.processInfo.environment["VIRTXML_DUMP_DIR"] {
            try output.write(toFile: "\(dump)/\(name).xml", atomically: true, encoding: .utf8)
        }
        #expect(output == (try GoldenFiles.expected(name)))
        // Formatting is a fixed point: the output parses back to the same definition.
        #expect(try DomainDefinition.parse(output) == definition)
    }

    @Test func enoughGoldenCases() {
        #expect(GoldenFiles.xml2xmlCases().count >= 25)
    }

    @Test func testDriverDefaultMatchesVirshDumpxml() throws {
        let expected = try GoldenFiles.read("xml2xml/testdriver-default.xml")
        let definition = try DomainDefinition.parse(expected)
        #expect(definition.format(DomainFormatOptions(id: 1)) == expected)
        #expect(definition.devices.disks.map(\.target) == ["vda"])
        #expect(definition.devices.disks.first?.source == "/guest/diskimage1")
        #expect(definition.devices.interfaces.first?.source == "default")
        #expect(definition.devices.interfaces.first?.targetDev == "testnet0")
        #expect(definition.memory == 8_388_608 && definition.currentMemory == 2_097_152)
    }
}
