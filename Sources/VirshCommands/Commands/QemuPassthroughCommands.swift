import JSON
import SwiftVirt

/// `qemu-monitor-command` and `qemu-agent-command`: libvirt-qemu's pass-through to QEMU's
/// monitor and to the guest agent, as virsh 9.0 has them.
enum QemuPassthroughCommands {
    static let all: [Command] = [monitorCommand, agentCommand]

    /// `qemu-monitor-command <domain> [--hmp] [--pretty] [--return-value] [--pass-fds N,M,...]
    /// {[--cmd] <string>}...`: virDomainQemuMonitorCommand, or
    /// virDomainQemuMonitorCommandWithFiles with virtsh's descriptors N, M, ...
    static let monitorCommand = Command(CommandSpec(
        "qemu-monitor-command", "QEMU Monitor Command", description: "QEMU Monitor Command",
        options: [
            .domain(),
            .flag("hmp", "command is in human monitor protocol"),
            .flag("pretty", "pretty-print any qemu monitor protocol output"),
            .flag("return-value", "extract the value of the 'return' key from the returned string"),
            .string("pass-fds", namedOnly: true, "pass file descriptors N,M,... along with the command"),
            .argv("cmd", required: true, "command"),
        ]
    )) { ctx in
        try ctx.exclusive("hmp", "pretty")
        try ctx.exclusive("hmp", "return-value")
        let domain = try await ctx.domain()
        let hmp = ctx.flag("hmp")
        let command = hmp ? joined(ctx.list("cmd")) : try wrappedQMP(ctx.list("cmd"))
        let files = try descriptors(try ctx.string("pass-fds", allowEmpty: true) ?? "")
        let flags: QemuMonitorCommandFlags = hmp ? .hmp : []
        let answer = try await VirshError.context(nil) { () async throws(VirError) -> String in
            files.isEmpty ? try await domain.qemuMonitorCommand(command, flags: flags)
                : try await domain.qemuMonitorCommandWithFiles(command, files: files, flags: flags).result
        }
        guard ctx.flag("pretty") || ctx.flag("return-value") else {
            ctx.print(answer + "\n")
            return ctx.result(.object(["result": (hmp ? nil : try? JSONValue(parsing: answer)) ?? .string(answer)]))
        }
        let reply: JSONValue
        do throws(VirError) {
            reply = try JSONValue(parsing: answer)
        } catch {
            guard ctx.flag("return-value") else {
                ctx.print(answer + "\n")
                return ctx.result(.object(["result": .string(answer)]))
            }
            throw VirshError("failed to parse JSON returned by qemu", error)
        }
        var value = reply
        if ctx.flag("return-value") {
            guard let returned = reply["return"] else { throw VirshError("'return' member missing") }
            value = returned
        }
        // Printed without a line end (virsh trims yajl's); the one after every command follows.
        ctx.print(ctx.flag("pretty") ? value.beautified : value.serialized)
        ctx.result(.object(["result": value]))
    }

    /// `qemu-agent-command <domain> [--timeout N] [--async] [--block] [--pretty] {[--cmd]
    /// <string>}...`: virDomainQemuAgentCommand, waiting N seconds, not at all, without
    /// bound, or the driver's default.
    static let agentCommand = Command(CommandSpec(
        "qemu-agent-command", "QEMU Guest Agent Command",
        description: "Run an arbitrary qemu guest agent command; use at your own risk",
        options: [
            .domain(),
            .int("timeout", namedOnly: true, "timeout seconds. must be positive."),
            .flag("async", "execute command without waiting for timeout"),
            .flag("block", "execute command without timeout"),
            .flag("pretty", "pretty-print the output"),
            .argv("cmd", required: true, "command"),
        ]
    )) { ctx in
        let domain = try await ctx.domain()
        var timeout = QemuAgentTimeout.default
        if let text = ctx.list("timeout").first {
            guard let seconds = Int32(text) else {
                throw VirshError("Numeric value '\(text)' for <timeout> option is malformed or out of range")
            }
            guard seconds > 0 else { throw VirshError("timeout must be positive") }
            timeout = seconds
        }
        guard ["timeout", "async", "block"].filter(ctx.flag).count <= 1 else {
            throw VirshError("timeout, async and block options are exclusive")
        }
        if ctx.flag("async") { timeout = QemuAgentTimeout.noWait }
        if ctx.flag("block") { timeout = QemuAgentTimeout.block }
        let command = joined(ctx.list("cmd"))
        guard let answer = try await VirshError.context(nil, { () async throws(VirError) -> String? in
            try await domain.qemuAgentCommand(command, timeout: timeout)
        }) else {
            // Nothing was waited for (--async): virsh fails with libvirt's generic error.
            throw VirshError("An error occurred, but the cause is unknown", code: .internalError)
        }
        let parsed = try? JSONValue(parsing: answer)
        if ctx.flag("pretty"), let parsed {
            ctx.print(parsed.beautified + "\n\n")
        } else {
            ctx.print(answer + "\n")
        }
        ctx.result(.object(["result": parsed ?? .string(answer)]))
    }

    /// The command's words, one space between them, as virsh joins them.
    private static func joined(_ words: [String]) -> String {
        var text = words.joined(separator: " ")
        while text.hasSuffix(" ") { text.removeLast() }
        return text
    }

    /// What virsh sends as QMP: the words as typed when they are one JSON object; otherwise
    /// `{"execute": first word}`, with `arguments` the other words read as a JSON object, or,
    /// failing that, joined by commas inside braces (`'"device":"vda"' '"speed":5'`).
    private static func wrappedQMP(_ words: [String]) throws(VirshError) -> String {
        let typed = joined(words)
        if case .object = try? JSONValue(parsing: typed) { return typed }
        var command: [(String, JSONValue)] = [("execute", .string(words.first ?? ""))]
        let rest = Array(words.dropFirst())
        if !rest.isEmpty {
            let spaced = joined(rest)
            if let arguments = try? JSONValue(parsing: spaced), case .object = arguments {
                command.append(("arguments", arguments))
            } else {
                do {
                    command.append(("arguments", try JSONValue(parsing: "{" + rest.joined(separator: ",") + "}")))
                } catch {
                    throw VirshError("failed to wrap arguments '\(spaced)' into a QMP command wrapper", error)
                }
            }
        }
        return JSONValue.object(command).serialized
    }

    /// The descriptors of `--pass-fds N,M,...` (none for an empty list).
    private static func descriptors(_ list: String) throws(VirshError) -> [Int32] {
        guard !list.isEmpty else { return [] }
        return try list.split(separator: ",", omittingEmptySubsequences: false).map { (piece) throws(VirshError) -> Int32 in
            guard let number = Int32(piece) else { throw VirshError("Unable to parse FD number '\(piece)'") }
            return number
        }
    }
}
