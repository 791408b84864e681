import SwiftVirt

/// `setmem` and `setmaxmem`.
enum MemoryCommands {
    static let all: [Command] = [setmem, setmaxmem]

    /// `setmem <domain> <size> [--config] [--live] [--current]`
    static let setmem = command(
        "setmem", "change memory allocation", "Change the current memory allocation in the guest domain.",
        sizeHelp: "new memory size, as scaled integer (default KiB)", failure: nil, unspecified: .live
    ) { domain, kib, flags in
        try await domain.setMemory(kib: kib, flags: flags)
    }

    /// `setmaxmem <domain> <size> [--config] [--live] [--current]`
    static let setmaxmem = command(
        "setmaxmem", "change maximum memory limit", "Change the maximum memory allocation limit in the guest domain.",
        sizeHelp: "new maximum memory size, as scaled integer (default KiB)", failure: "Unable to change MaxMemorySize", unspecified: []
    ) { domain, kib, flags in
        try await domain.setMemory(kib: kib, flags: flags.union(.maximum))
    }

    /// A memory command: checks `--config/--live/--current` (none of them means
    /// `unspecified`), reads the size (KiB unless a unit is given, rounded up to whole
    /// KiB) and calls `body`.
    private static func command(
        _ name: String, _ summary: String, _ description: String, sizeHelp: String, failure: String?,
        unspecified: MemoryFlags,
        _ body: @escaping @Sendable (Domain, UInt64, MemoryFlags) async throws -> Void
    ) -> Command {
        Command(CommandSpec(
            name, summary, description: description,
            options: [.domain(), .int("size", required: true, sizeHelp)] + OptionSpec.impact
        )) { ctx in
            try ctx.exclusive("current", "live")
            try ctx.exclusive("current", "config")
            var flags: MemoryFlags = ctx.flags([("config", .config), ("live", .live)])
            if flags.isEmpty && !ctx.flag("current") { flags = unspecified }
            let domain = try await ctx.domain()
            let bytes = try ctx.scaledSize("size", maximum: UInt64.max) ?? 0
            let kib = bytes / 1024 + (bytes % 1024 == 0 ? 0 : 1)
            try await VirshError.context(failure) { try await body(domain, kib, flags) }
            ctx.result(DomainReport.json(domain, action: name, extra: [("kib", .int(kib))]))
        }
    }
}
