import Foundation
import SwiftVirt
import TestSupport
import Testing

/// `<console type='pty'>`: the init's terminal and /dev/console, held by the keeper, opened
/// through virDomainOpenConsole and `virtsh console`.
@Suite("lxc:///embed: consoles", .enabled(if: canRunContainers, "needs root, namespaces and cgroups"), .serialized)
struct LXCConsoleTests {
    static let console = "<console type='pty'><target type='lxc' port='0'/></console>"
    /// An init that answers each line typed on its console, through /dev/console.
    static let answering = ["-c", "while read line; do echo \"got $line\" > /dev/console; done"]

    @Test func theConsoleIsThePtyOfTheInitAndOfDevConsoleAndOutlivesItsDriver() async throws {
        let sandbox = LXCSandbox()
        let first = try await sandbox.open()
        let domain = try await first.defineDomain(xml: sandbox.xml("tty", args: Self.answering, devices: Self.console)).create()
        let live = try await domain.xmlDescription()
        #expect(live.contains("<console type='pty' tty='/dev/pts/") && live.contains("<source path='/dev/pts/"))
        #expect(!(try await domain.xmlDescription(flags: .inactive)).contains("/dev/pts/"))

        let session = try await domain.openConsole()
        defer { close(session) }
        #expect(write(session, "hello\n", 6) == 6)
        #expect(read(session, until: "got hello").contains("got hello"))

        // Another process's driver reaches the same console, one session at a time.
        let second = try await sandbox.open()
        let adopted = try await second.lookupDomain(name: "tty")
        await expectError(.operationFailed) { _ = try await adopted.openConsole() }
        do throws(VirError) {
            _ = try await adopted.openConsole()
            Issue.record("a second session was attached")
        } catch {  // the context layer's message, passed on once
            #expect(error.domain == .lxc && error.message.components(separatedBy: "operation failed").count == 2, "\(error.message)")
        }
        await expectError(.internalError) { _ = try await adopted.openConsole(device: "serial0") }
        let forced = try await adopted.openConsole(flags: .force)
        defer { close(forced) }
        #expect(read(session, until: "\u{0}").isEmpty, "the first session has ended")
        #expect(write(forced, "again\n", 6) == 6)
        #expect(read(forced, until: "got again").contains("got again"))

        try await adopted.destroy()
        await expectError(.operationInvalid) { _ = try await adopted.openConsole() }
    }

    @Test func aContainerWithoutConsoleOrWithAnUnsupportedOneIsRefused() async throws {
        let sandbox = LXCSandbox()
        let connection = try await sandbox.open()
        let plain = try await connection.createDomain(xml: sandbox.xml("plain"))
        await expectError(.internalError) { _ = try await plain.openConsole() }
        try await plain.destroy()
        let file = "<console type='file'><source path='/tmp/x'/><target type='lxc' port='0'/></console>"
        await expectError(.configUnsupported) { _ = try await connection.defineDomain(xml: sandbox.xml("filed", devices: file)) }
        await expectError(.configUnsupported) {
            _ = try await connection.defineDomain(xml: sandbox.xml("twice", devices: Self.console + Self.console))
        }
        #expect(try await connection.listAllDomains().isEmpty)
    }

    @Test func virtshConsoleRelaysUntilTheEscapeCharacter() async throws {
        let sandbox = LXCSandbox()
        let connection = try await sandbox.open()
        _ = try await connection.defineDomain(xml: sandbox.xml("shell", args: Self.answering, devices: Self.console)).create()
        let virtsh = Process()
        virtsh.executableURL = URL(fileURLWithPath: try #require(LXCSandbox.virtshPath()))
        virtsh.arguments = ["-c", sandbox.uri, "console", "shell"]
        let input = Pipe(), output = Pipe()
        virtsh.standardInput = input
        virtsh.standardOutput = output
        try virtsh.run()
        defer { if virtsh.isRunning { virtsh.terminate() } }
        let out = output.fileHandleForReading.fileDescriptor
        #expect(read(out, until: "Ctrl + ])\n") == "Connected to domain 'shell'\nEscape character is ^] (Ctrl + ])\n")
        try input.fileHandleForWriting.write(contentsOf: Data("ping\n".utf8))
        #expect(read(out, until: "got ping").contains("got ping"))
        try input.fileHandleForWriting.write(contentsOf: Data([0x1D]))
        virtsh.waitUntilExit()
        #expect(virtsh.terminationStatus == 0)
        try await connection.lookupDomain(name: "shell").destroy()
    }

}
