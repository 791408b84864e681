import Foundation
import Glibc
import JSON
import SwiftVirt
import Testing
@testable import VirtDriverQEMU

/// `virDomainQemuAgentCommand`: the guest-sync handshake and libvirt's timeouts, against a
/// stand-in agent (Agent/fake_agent.py) on a socket; and what a real QEMU's guest without an
/// agent gets.
@Suite("qemu:///embed: the guest agent", .serialized)
struct AgentTests {
    /// Runs `body` with a fake agent listening on a socket of its own.
    func withFakeAgent(mute: Bool = false, _ body: (String) async throws -> Void) async throws {
        let directory = try RealQEMU.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/agent.sock"
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Agent/fake_agent.py").path
        let agent = Process()
        agent.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        agent.arguments = [script, path] + (mute ? ["--mute"] : [])
        let ready = Pipe()
        agent.standardOutput = ready
        try agent.run()
        defer {
            // SIGKILL: the test process may block SIGTERM in the thread that spawned it, and
            // the agent inherits that mask.
            kill(agent.processIdentifier, SIGKILL)
            agent.waitUntilExit()
        }
        _ = ready.fileHandleForReading.availableData  // "ready": it listens
        try await body(path)
    }

    @Test("guest-sync skips a stale answer; answers, errors, no-wait and a bounded wait")
    func protocolAndTimeouts() async throws {
        try await withFakeAgent { path in
            let ping = try await QEMUAgent.execute(try JSONValue(parsing: #"{"execute":"guest-ping"}"#), socketPath: path, timeout: 5)
            #expect(ping == #"{"return": {}}"#)
            let blocking = try await QEMUAgent.execute(try JSONValue(parsing: #"{"execute":"guest-ping"}"#), socketPath: path, timeout: QemuAgentTimeout.block)
            #expect(blocking == #"{"return": {}}"#)
            let bad = await #expect(throws: VirError.self) {
                try await QEMUAgent.execute(try JSONValue(parsing: #"{"execute":"guest-bad"}"#), socketPath: path, timeout: QemuAgentTimeout.default)
            }
            #expect(bad?.code == .internalError && bad?.message.contains("The command guest-bad has not been found") == true, "\(bad?.message ?? "")")
            let unanswered = try await QEMUAgent.execute(try JSONValue(parsing: #"{"execute":"guest-hang"}"#), socketPath: path, timeout: QemuAgentTimeout.noWait)
            #expect(unanswered == nil)
            let hung = await #expect(throws: VirError.self) {
                try await QEMUAgent.execute(try JSONValue(parsing: #"{"execute":"guest-hang"}"#), socketPath: path, timeout: 1)
            }
            #expect(hung?.code == .agentUnresponsive && hung?.message.contains("Guest agent not available for now") == true, "\(hung?.message ?? "")")
        }
        try await withFakeAgent(mute: true) { path in
            let silent = await #expect(throws: VirError.self) {
                try await QEMUAgent.execute(try JSONValue(parsing: #"{"execute":"guest-ping"}"#), socketPath: path, timeout: 1)
            }
            #expect(silent?.code == .agentUnresponsive && silent?.message.contains("not connected") == true)
        }
    }

    @Test("a guest without an agent, or without its channel, gets libvirt's errors", .enabled(if: RealQEMU.available, RealQEMU.why))
    func guestsWithoutAnAgent() async throws {
        try await EmbeddedQEMU.with { embedded, conn in
            let channel = "<channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>"
            let withChannel = try EmbeddedQEMU.guestXML("agentless").replacingOccurrences(of: "</devices>", with: channel + "</devices>")
            let domain = try await conn.defineDomain(xml: withChannel)
            let stopped = await #expect(throws: VirError.self) { try await domain.qemuAgentCommand(#"{"execute":"guest-ping"}"#) }
            #expect(stopped?.code == .operationInvalid)
            _ = try await domain.create()
            let live = try await domain.definition()
            #expect(live.devices.channels.first?.sourcePath == embedded.root + "/run/agentless.agent")
            #expect(try await domain.definition(flags: .inactive).devices.channels.first?.sourcePath == nil)
            let silent = await #expect(throws: VirError.self) { try await domain.qemuAgentCommand(#"{"execute":"guest-ping"}"#, timeout: 1) }
            #expect(silent?.code == .agentUnresponsive && silent?.message.contains("QEMU guest agent is not connected") == true, "\(silent?.message ?? "")")
            // As in libvirt, the agent's absence is found before the command is looked at.
            let unread = await #expect(throws: VirError.self) { try await domain.qemuAgentCommand("{not json", timeout: -3) }
            #expect(unread?.code == .agentUnresponsive)

            let plain = try await conn.createDomain(xml: try EmbeddedQEMU.guestXML("plain"))
            let unconfigured = await #expect(throws: VirError.self) { try await plain.qemuAgentCommand(#"{"execute":"guest-ping"}"#) }
            #expect(unconfigured?.code == .argumentUnsupported && unconfigured?.message.contains("QEMU guest agent is not configured") == true)
            try await domain.destroy()
            #expect(!FileManager.default.fileExists(atPath: embedded.root + "/run/agentless.agent"))
        }
    }
}
