import SwiftVirt

#if canImport(Glibc)
import Glibc
#endif

/// `console <domain> [--devname <string>] [--force] [--safe]`: attaches the terminal to a
/// domain's console (virDomainOpenConsole) until Ctrl+] is typed. Unlike virsh, standard
/// input need not be a terminal, so that scripts can drive a console.
enum ConsoleCommand {
    static let console = Command(CommandSpec(
        "console", "connect to the guest console",
        description: "Connect the virtual serial console for the guest",
        options: [
            .domain(),
            .string("devname", "character device name"),
            .flag("force", "force console connection (disconnect already connected sessions)"),
            .flag("safe", "only connect if safe console handling is supported"),
        ]
    )) { ctx in
        let domain = try await ctx.domain()
        let state = try await VirshError.context(nil) { try await domain.state().state }
        if state == .shutoff { throw VirshError("The domain is not running", code: .operationInvalid) }
        let flags: ConsoleFlags = ctx.flags([("force", .force), ("safe", .safe)])
        let device = try ctx.string("devname")
        let stream = try await VirshError.context(nil) { try await domain.openConsole(device: device, flags: flags) }
        defer { close(stream) }
        ctx.info("Connected to domain '\(domain.name)'\nEscape character is ^] (Ctrl + ])\n")
        ConsoleRelay(stream: stream).run()
    }
}
