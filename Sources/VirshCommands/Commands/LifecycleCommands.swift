import SwiftVirt

/// Commands that change a domain's run state: `start`, `destroy`, `suspend`, `resume`,
/// `shutdown`, `reboot`, `reset`, `autostart`.
enum LifecycleCommands {
    static let all: [Command] = [start, destroy, suspend, resume, shutdown, reboot, reset, autostart]

    /// `start <domain> [--console] [--paused] [--autodestroy] [--bypass-cache] [--force-boot] …`
    static let start = Command(CommandSpec(
        "start", "start a (previously defined) inactive domain",
        description: "Start a domain, either from the last managedsave\nstate, or via a fresh boot if no managedsave state\nis present.",
        options: [
            .domain("name of the inactive domain"),
            .flag("console", "attach to console after creation"),
            .flag("paused", "leave the guest paused after creation"),
            .flag("autodestroy", "automatically destroy the guest when virsh disconnects"),
            .flag("bypass-cache", "avoid file system cache when loading"),
            .flag("force-boot", "force fresh boot by discarding any managed save"),
            .string("pass-fds", "pass file descriptors N,M,... to the guest"),
            .flag("reset-nvram", "re-initialize NVRAM from its pristine template"),
        ]
    )) { ctx in
        let domain = try await ctx.domain(by: [.uuid, .name])
        let flags = try startFlags(ctx)
        if domain.id != -1 { throw VirshError("Domain is already active", code: .operationInvalid) }
        let started = try await VirshError.context("Failed to start domain '\(domain.name)'") {
            try await domain.create(flags: flags)
        }
        ctx.info("Domain '\(started.name)' started\n")
        ctx.result(DomainReport.json(started, action: "started", extra: [("id", .int(Int64(started.id)))]))
        try refuseConsole(ctx)
    }

    /// The start flags of `start`/`create` given on the command line.
    static func startFlags(_ ctx: CommandContext) throws(VirshError) -> CreateFlags {
        if try ctx.string("pass-fds") != nil {
            throw VirshError("passing file descriptors is not supported", code: .noSupport)
        }
        return ctx.flags([
            ("paused", .paused), ("autodestroy", .autodestroy), ("bypass-cache", .bypassCache),
            ("force-boot", .forceBoot), ("reset-nvram", .resetNvram), ("validate", .validate),
        ])
    }

    /// `--console` needs a terminal, which a non-interactive shell never has.
    static func refuseConsole(_ ctx: CommandContext) throws(VirshError) {
        if ctx.flag("console") {
            throw VirshError("Cannot run interactive console without a controlling TTY", code: .operationInvalid)
        }
    }

    /// `destroy <domain> [--graceful] [--remove-logs]`
    static let destroy = action(
        "destroy", "destroy (stop) a domain", "Forcefully stop a given domain, but leave its resources intact.",
        options: [.flag("graceful", "terminate gracefully"), .flag("remove-logs", "remove domain logs")],
        failure: "Failed to destroy domain", success: "destroyed"
    ) { ctx, domain in
        var flags: DestroyFlags = []
        if ctx.flag("graceful") { flags.insert(.graceful) }
        if ctx.flag("remove-logs") { flags.insert(.removeLogs) }
        try await domain.destroy(flags: flags)
    }

    /// `suspend <domain>`
    static let suspend = action(
        "suspend", "suspend a domain", "Suspend a running domain.",
        failure: "Failed to suspend domain", success: "suspended"
    ) { _, domain in try await domain.suspend() }

    /// `resume <domain>`
    static let resume = action(
        "resume", "resume a domain", "Resume a previously suspended domain.",
        failure: "Failed to resume domain", success: "resumed"
    ) { _, domain in try await domain.resume() }

    /// `shutdown <domain> [--mode acpi|agent|initctl|signal|paravirt]`
    static let shutdown = action(
        "shutdown", "gracefully shutdown a domain", "Run shutdown in the target domain.",
        options: [.string("mode", "shutdown mode: acpi|agent|initctl|signal|paravirt")],
        failure: "Failed to shutdown domain", success: "is being shutdown"
    ) { ctx, domain in
        let mode = try ShutdownMode.flags(ctx, expecting: "'acpi', 'agent', 'initctl', 'signal', or 'paravirt'")
        try await domain.shutdown(flags: ShutdownFlags(rawValue: mode))
    }

    /// `reboot <domain> [--mode acpi|agent|initctl|signal|paravirt]`
    static let reboot = action(
        "reboot", "reboot a domain", "Run a reboot command in the target domain.",
        options: [.string("mode", "shutdown mode: acpi|agent|initctl|signal|paravirt")],
        failure: "Failed to reboot domain", success: "is being rebooted"
    ) { ctx, domain in
        let mode = try ShutdownMode.flags(ctx, expecting: "'acpi', 'agent', 'initctl', 'signal' or 'paravirt'")
        try await domain.reboot(flags: RebootFlags(rawValue: mode))
    }

    /// `reset <domain>`
    static let reset = action(
        "reset", "reset a domain", "Reset the target domain as if by power button",
        failure: "Failed to reset domain", success: "was reset"
    ) { _, domain in try await domain.reset() }

    /// `autostart <domain> [--disable]`
    static let autostart = Command(CommandSpec(
        "autostart", "autostart a domain", description: "Configure a domain to be automatically started at boot.",
        options: [.domain(), .flag("disable", "disable autostarting")]
    )) { ctx in
        let domain = try await ctx.domain()
        let label = try ctx.required("domain")
        let enable = !ctx.flag("disable")
        let verb = enable ? "mark" : "unmark"
        try await VirshError.context("Failed to \(verb) domain '\(label)' as autostarted") {
            try await domain.setAutostart(enable)
        }
        ctx.info("Domain '\(label)' \(verb)ed as autostarted\n")
        ctx.result(DomainReport.json(domain, action: enable ? "autostart-enabled" : "autostart-disabled"))
    }

    /// A command that looks up `<domain>`, runs `body` and reports `Domain 'X' <success>`,
    /// or `<failure> 'X'` before the library error. `X` is the domain as the user wrote it.
    static func action(
        _ name: String, _ summary: String, _ description: String, options: [OptionSpec] = [],
        failure: String, success: String,
        _ body: @escaping @Sendable (CommandContext, Domain) async throws -> Void
    ) -> Command {
        Command(CommandSpec(name, summary, description: description, options: [.domain()] + options)) { ctx in
            let domain = try await ctx.domain()
            let label = try ctx.required("domain")
            try await VirshError.context("\(failure) '\(label)'") { try await body(ctx, domain) }
            ctx.info("Domain '\(label)' \(success)\n")
            ctx.result(DomainReport.json(domain, action: name))
        }
    }
}

/// The `--mode` list of `shutdown` and `reboot` (`acpi,agent,…`), as flag bits shared by
/// `virDomainShutdownFlags` and `virDomainReboot`.
enum ShutdownMode {
    private static let modes: [(String, UInt32)] = [
        ("acpi", ShutdownFlags.acpiPowerBtn.rawValue), ("agent", ShutdownFlags.guestAgent.rawValue),
        ("initctl", ShutdownFlags.initctl.rawValue), ("signal", ShutdownFlags.signal.rawValue),
        ("paravirt", ShutdownFlags.paravirt.rawValue),
    ]

    /// The bits of the `--mode` option; an unknown mode fails with `Unknown mode X value, expecting …`.
    static func flags(_ ctx: CommandContext, expecting: String) throws(VirshError) -> UInt32 {
        guard let text = try ctx.string("mode") else { return 0 }
        var bits: UInt32 = 0
        for mode in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let bit = modes.first(where: { $0.0 == mode })?.1 else {
                throw VirshError("Unknown mode \(mode) value, expecting \(expecting)")
            }
            bits |= bit
        }
        return bits
    }
}
