import Foundation
import Glibc
import SwiftVirt
import Testing

/// `virDomainQemuMonitorCommandWithFiles`: a descriptor goes to QEMU with a monitor command.
@Suite("qemu:///embed: monitor commands with files", .enabled(if: RealQEMU.available, RealQEMU.why), .serialized)
struct MonitorFilesTests {
    /// The descriptors of QEMU's fd sets, as `query-fdsets` lists them.
    static func fdSets(_ domain: Domain) async throws -> String {
        try await domain.qemuMonitorCommand(#"{"execute":"query-fdsets"}"#)
    }

    @Test("a file reaches QEMU's fd sets and its named descriptors; the caller's copy stays open")
    func passesADescriptor() async throws {
        try await EmbeddedQEMU.with { embedded, conn in
            let domain = try await conn.createDomain(xml: try EmbeddedQEMU.guestXML("files"))
            let file = open(embedded.root + "/passed", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            try #require(file >= 0)
            defer { close(file) }

            let added = try await domain.qemuMonitorCommandWithFiles(#"{"execute":"add-fd","arguments":{"fdset-id":7}}"#, files: [file])
            #expect(added.result.contains(#""fdset-id":7"#), "\(added.result)")
            #expect(added.files.isEmpty, "QEMU sends no descriptors back")
            #expect(try await Self.fdSets(domain).contains(#""fdset-id":7"#))
            #expect(fcntl(file, F_GETFD) >= 0, "the caller's descriptor is still open")

            // getfd names the descriptor; closefd finds it by that name afterwards.
            let named = try await domain.qemuMonitorCommandWithFiles(#"{"execute":"getfd","arguments":{"fdname":"passed"}}"#, files: [file])
            #expect(named.result.contains(#""return":{}"#), "\(named.result)")
            let closeNamed = #"{"execute":"closefd","arguments":{"fdname":"passed"}}"#
            #expect(try await domain.qemuMonitorCommand(closeNamed).contains(#""return":{}"#))
            let gone = try await domain.qemuMonitorCommand(closeNamed)
            #expect(gone.contains("File descriptor named 'passed' not found"), "\(gone)")

            // Without files it is the plain monitor command.
            #expect(try await domain.qemuMonitorCommandWithFiles(#"{"execute":"query-status"}"#, files: []).result.contains(#""running":true"#))
            try await domain.destroy()
        }
    }

    @Test("bad input gets libvirt's errors, and nothing reaches QEMU")
    func refusals() async throws {
        try await EmbeddedQEMU.with { embedded, conn in
            let domain = try await conn.createDomain(xml: try EmbeddedQEMU.guestXML("badfiles"))
            let first = open("/dev/null", O_RDONLY | O_CLOEXEC), second = open("/dev/null", O_RDONLY | O_CLOEXEC)
            defer { close(first); close(second) }
            let addFd = #"{"execute":"add-fd","arguments":{"fdset-id":9}}"#

            let two = await #expect(throws: VirError.self) { try await domain.qemuMonitorCommandWithFiles(addFd, files: [first, second]) }
            #expect(two?.code == .operationUnsupported && two?.message.hasSuffix(": at most 1 fd can be passed to qemu along with a command") == true)
            let flags = await #expect(throws: VirError.self) {
                try await domain.qemuMonitorCommandWithFiles(addFd, files: [first], flags: QemuMonitorCommandFlags(rawValue: 4))
            }
            #expect(flags?.code == .invalidArg)
            let badJSON = await #expect(throws: VirError.self) { try await domain.qemuMonitorCommandWithFiles("{add-fd", files: [first]) }
            #expect(badJSON?.code == .internalError)
            #expect(try await !Self.fdSets(domain).contains("fdset-id"), "no refused call passed its file")

            // QEMU's own refusal is its reply, as with the plain command.
            let notAnFdSet = try await domain.qemuMonitorCommandWithFiles(#"{"execute":"add-fd","arguments":{"fdset-id":"x"}}"#, files: [first])
            #expect(notAnFdSet.result.contains(#""class":"GenericError""#), "\(notAnFdSet.result)")

            try await domain.destroy()
            let defined = try await conn.defineDomain(xml: try EmbeddedQEMU.guestXML("badfiles"))
            let inactive = await #expect(throws: VirError.self) { try await defined.qemuMonitorCommandWithFiles(addFd, files: [first]) }
            #expect(inactive?.code == .operationInvalid)
            try await defined.undefine()
        }
    }
}
