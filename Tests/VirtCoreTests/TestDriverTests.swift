import Foundation
import Testing
import SwiftVirt

/// What is specific to the test driver: libvirt's default node, node files, and save files
/// exchanged with libvirt's own test driver.
@Suite("Test driver specifics")
struct TestDriverTests {
    @Test func defaultNodeMatchesLibvirt() async throws {
        let conn = try await Connection.open("test:///default", readOnly: true)
        defer { Task { await conn.close() } }
        #expect(try await conn.nodeInfo() == NodeInfo(model: "i686", memory: 3_145_728, cpus: 16, mhz: 1400, nodes: 2, sockets: 2, cores: 2, threads: 2))
        #expect(try await conn.hypervisorType() == "TEST")
        #expect(try await conn.hypervisorVersion() == 2)
        #expect(try await conn.securityModel() == SecurityModel(model: "testSecurity", doi: ""))
        let map = try await conn.nodeCPUMap()
        #expect(map.cpus == 8 && map.online.cpus == [0, 2, 4])
        let test = try await conn.lookupDomain(name: "test")
        #expect(test.id == 1 && test.uuidString == "6695eb01-f6a4-8304-79aa-97f2502e193f")
        #expect(try await test.securityLabel() == DomainSecurityLabel(label: "libvirt-test", enforcing: true))
        let info = try await test.info()
        #expect(info.maxMemory == 8_388_608 && info.memory == 2_097_152 && info.virtualCPUs == 2)
        let vcpu = try await test.vcpus()[0]
        #expect(vcpu.cpu == 15 && vcpu.state == .running)
    }

    @Test func nodeFileWithInlineAndReferencedDomains() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftvirt-node-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try demoXML("referenced").write(to: directory.appendingPathComponent("dom.xml"), atomically: true, encoding: .utf8)
        let node = """
            <node xmlns:test='http://libvirt.org/schemas/domain/test'>
              <cpu><mhz>6000</mhz><model>i986</model><active>50</active>
                <nodes>4</nodes><sockets>4</sockets><cores>4</cores><threads>2</threads></cpu>
              <memory>8192000</memory>
              <domain file='dom.xml'/>
              \(demoXML("inline").replacingOccurrences(of: "</domain>", with: "<test:runstate>5</test:runstate></domain>"))
            </node>
            """
        let path = directory.appendingPathComponent("node.xml").path
        try node.write(toFile: path, atomically: true, encoding: .utf8)
        let conn = try await Connection.open("test://" + path)
        defer { Task { await conn.close() } }
        let info = try await conn.nodeInfo()
        #expect(info.model == "i986" && info.mhz == 6000 && info.cpus == 50 && info.memory == 8_192_000 && info.maximumCPUs == 128)
        #expect(try await conn.lookupDomain(name: "referenced").state().state == .running)
        #expect(try await conn.lookupDomain(name: "inline").state().state == .shutoff)

        try "<notanode/>".write(toFile: path, atomically: true, encoding: .utf8)
        await expectVirError(.xmlError) { _ = try await Connection.open("test://" + path) }
        try "<node><cpu><mhz>-3</mhz></cpu></node>".write(toFile: path, atomically: true, encoding: .utf8)
        await expectVirError(.xmlError) { _ = try await Connection.open("test://" + path) }
    }

    /// A domain saved by libvirt's own test driver restores in SwiftVirt's, and the reverse
    /// file is accepted by libvirt: the formats are the same.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/usr/bin/python3") && libvirtPythonAvailable(), "needs python3-libvirt (scripts/install-test-deps)"))
    func saveFilesAreInterchangeableWithLibvirt() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftvirt-xsave-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let libvirtFile = directory.appendingPathComponent("by-libvirt.save").path
        let swiftVirtFile = directory.appendingPathComponent("by-swiftvirt.save").path
        try runPython("import libvirt; libvirt.open('test:///default').lookupByName('test').save('\(libvirtFile)')")

        try await ConformanceTarget.testDriver.withConnection { conn in
            try await conn.lookupDomain(name: "test").destroy()
            try await conn.restoreDomain(from: libvirtFile)
            let restored = try await conn.lookupDomain(name: "test")
            #expect(try await restored.state() == (.running, .runningRestored))
            try await restored.save(to: swiftVirtFile)
        }
        let state = try runPython("""
            import libvirt
            c = libvirt.open('test:///default'); c.lookupByName('test').destroy(); c.restore('\(swiftVirtFile)')
            print(c.lookupByName('test').state()[0])
            """)
        #expect(state.trimmingCharacters(in: .whitespacesAndNewlines) == "1")
    }
}

func libvirtPythonAvailable() -> Bool {
    (try? runPython("import libvirt")) != nil
}

@discardableResult
func runPython(_ script: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
    process.arguments = ["-c", script]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw VirError.internalError("python3 exited with \(process.terminationStatus)") }
    return String(decoding: output, as: UTF8.self)
}
