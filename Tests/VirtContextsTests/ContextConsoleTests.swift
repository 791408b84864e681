import Foundation
import TestSupport
import Testing
import VirtError
import VirtSystem
@testable import VirtContexts

/// Consoles: a pty the first process gets as its terminal, which the keeper holds and
/// reads, and sessions attached to it through the keeper.
@Suite("Security contexts: consoles", .enabled(if: canCreateContexts, "needs root, namespaces and cgroups"), .serialized)
struct ContextConsoleTests {
    private func startWithConsole(_ sandbox: ContextSandbox, _ script: String) throws -> RunningContext {
        let terminal = try PseudoTerminal.open()
        defer { terminal.close() }
        var options = ContextOptions()
        options.console = terminal
        return try sandbox.start(["/bin/sh", "-c", script], options: options)
    }

    @Test func aSessionSpeaksWithTheFirstProcessThroughItsControllingTerminal() async throws {
        let sandbox = try ContextSandbox()
        let running = try startWithConsole(sandbox, "read line; echo \"got $line\"; exec sleep 100")
        let stat = try String(contentsOfFile: "/proc/\(running.initProcess.pid)/stat", encoding: .utf8)
        let ttyNumber = stat.split(separator: ")").last?.split(separator: " ")[4]
        #expect(ttyNumber != "0", "the console is its controlling terminal")

        let session = try running.context.openConsole()
        defer { close(session) }
        #expect(Glibc.write(session, "hello\n", 6) == 6)
        #expect(read(session, until: "got hello").contains("got hello"))

        // One session at a time; a forced one ends the other.
        expectContextError(.operationFailed) { _ = try running.context.openConsole() }
        let forced = try running.context.openConsole(force: true)
        defer { close(forced) }
        #expect(read(session, until: "\u{0}") == "", "the first session's stream has ended")

        try running.context.kill(pid: 0, signal: SIGKILL)
        _ = try await running.wait()
        #expect(read(forced, until: "\u{0}") == "", "the session ends with the context")
        expectContextError(.operationInvalid) { _ = try running.context.openConsole() }
    }

    @Test func aConsoleNobodyReadsNeverBlocksTheContext() async throws {
        let sandbox = try ContextSandbox()
        let running = try startWithConsole(sandbox, "head -c 2000000 /dev/zero")  // far beyond a pty's buffer
        let ended = Task { try await running.wait() }
        let timeout = Task {
            try await Task.sleep(for: .seconds(10))
            try running.context.kill(pid: 0, signal: SIGKILL)
        }
        #expect(try await ended.value.exitCode == 0, "it wrote everything and exited by itself")
        timeout.cancel()
    }

    @Test func aContextWithoutAConsoleHasNoneToOpen() async throws {
        let sandbox = try ContextSandbox()
        let running = try sandbox.start(["/bin/sleep", "100"])
        expectContextError(.operationInvalid) { _ = try running.context.openConsole() }
        try running.context.kill(pid: 0, signal: SIGKILL)
        _ = try await running.wait()
    }
}
