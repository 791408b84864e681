import Foundation
import SwiftVirt

/// A driver the conformance suite runs against. Each test gets a fresh, private node with
/// the same starting state as `test:///default`: one running persistent domain "test".
struct ConformanceTarget: Sendable, CustomTestStringConvertible {
    /// A short name for test output.
    let name: String
    /// Makes a URI of a fresh node, and the clean-up to run afterwards.
    let makeURI: @Sendable () throws -> (uri: String, cleanup: @Sendable () -> Void)
    /// The error code the driver uses when a domain's state forbids a call. libvirt's test
    /// driver reports `VIR_ERR_INTERNAL_ERROR` for suspend/resume/start/shutdown in the wrong
    /// state; SwiftVirt's test driver keeps that for byte-for-byte parity with virsh.
    let wrongStateCodes: Set<ErrorCode>

    var testDescription: String { name }

    /// The in-memory test driver, on a private node file.
    static let testDriver = ConformanceTarget(name: "test", makeURI: {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftvirt-conf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("node.xml")
        try nodeXML.write(to: file, atomically: true, encoding: .utf8)
        return ("test://" + file.path, { try? FileManager.default.removeItem(at: directory) })
    }, wrongStateCodes: [.operationInvalid, .internalError])

    /// Every target the suite runs on. Later drivers add themselves here.
    static let all: [ConformanceTarget] = [.testDriver]

    /// Opens a fresh node and runs `body` with a connection to it.
    func withConnection(readOnly: Bool = false, _ body: (Connection) async throws -> Void) async throws {
        let (uri, cleanup) = try makeURI()
        defer { cleanup() }
        let connection = try await Connection.open(uri, readOnly: readOnly)
        do {
            try await body(connection)
        } catch {
            await connection.close()
            throw error
        }
        await connection.close()
    }

    static let nodeXML = """
        <node>
          <cpu><mhz>1400</mhz><model>i686</model><active>16</active>
            <nodes>2</nodes><sockets>2</sockets><cores>2</cores><threads>2</threads></cpu>
          <memory>3145728</memory>
          <domain type='test'>
            <name>test</name>
            <uuid>6695eb01-f6a4-8304-79aa-97f2502e193f</uuid>
            <memory unit='KiB'>8388608</memory>
            <currentMemory unit='KiB'>2097152</currentMemory>
            <vcpu placement='static'>2</vcpu>
            <os><type arch='i686'>hvm</type><boot dev='hd'/></os>
            <devices>
              <disk type='file' device='disk'><source file='/guest/diskimage1'/><target dev='vda' bus='virtio'/></disk>
            </devices>
          </domain>
        </node>
        """
}

/// A small persistent domain definition named `name`.
func demoXML(_ name: String, uuid: String? = nil, memoryKiB: Int = 65536, vcpus: Int = 2, onReboot: String = "restart", onPoweroff: String = "destroy") -> String {
    """
    <domain type='test'>
      <name>\(name)</name>
      \(uuid.map { "<uuid>\($0)</uuid>" } ?? "")
      <memory unit='KiB'>\(memoryKiB)</memory>
      <vcpu>\(vcpus)</vcpu>
      <os><type>hvm</type></os>
      <on_poweroff>\(onPoweroff)</on_poweroff>
      <on_reboot>\(onReboot)</on_reboot>
      <devices>
        <disk type='file' device='disk'><source file='/tmp/\(name).img'/><target dev='vda' bus='virtio'/></disk>
      </devices>
    </domain>
    """
}

/// Asserts that `body` throws a ``VirError`` with `code`, and returns it.
@discardableResult
func expectVirError(_ code: ErrorCode, _ codes: Set<ErrorCode> = [], sourceLocation: SourceLocation = #_sourceLocation,
                    _ body: () async throws -> Void) async -> VirError? {
    do {
        try await body()
        Issue.record("expected \(code) but the call succeeded", sourceLocation: sourceLocation)
        return nil
    } catch let error as VirError {
        let allowed = codes.isEmpty ? [code] : codes
        #expect(allowed.contains(error.code), "got \(error.code): \(error.message)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected VirError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

import Testing
