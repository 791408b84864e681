import SwiftVirt

/// `save` and `restore`: a running domain's state to a file and back.
enum SaveRestoreCommands {
    static let all: [Command] = [save, restore]

    /// `save <domain> <file> [--bypass-cache] [--xml FILE] [--running] [--paused] [--verbose]`
    static let save = Command(CommandSpec(
        "save", "save a domain state to a file", description: "Save the RAM state of a running domain.",
        options: [
            .domain(),
            .data("file", "where to save the data"),
            .flag("bypass-cache", "avoid file system cache when saving"),
            .string("xml", "filename containing updated XML for the target"),
            .flag("running", "set domain to be running on restore"),
            .flag("paused", "set domain to be paused on restore"),
            .flag("verbose", "display the progress of save"),
        ]
    )) { ctx in
        let domain = try await ctx.domain()
        let label = try ctx.required("domain")
        let file = try ctx.required("file")
        let xml = try ctx.string("xml").map(Files.read)
        try await VirshError.context("Failed to save domain '\(label)' to \(file)") {
            try await domain.save(to: file, xml: xml, flags: flags(ctx))
        }
        ctx.info("\nDomain '\(label)' saved to \(file)\n")
        ctx.result(DomainReport.json(domain, action: "saved", extra: [("file", .string(file))]))
    }

    /// `restore <file> [--bypass-cache] [--xml FILE] [--running] [--paused] [--reset-nvram]`
    static let restore = Command(CommandSpec(
        "restore", "restore a domain from a saved state in a file", description: "Restore a domain.",
        options: [
            .data("file", "the state to restore"),
            .flag("bypass-cache", "avoid file system cache when restoring"),
            .string("xml", "filename containing updated XML for the target"),
            .flag("running", "restore domain into running state"),
            .flag("paused", "restore domain into paused state"),
            .flag("reset-nvram", "re-initialize NVRAM from its pristine template"),
        ]
    )) { ctx in
        let file = try ctx.required("file")
        let xml = try ctx.string("xml").map(Files.read)
        try await VirshError.context("Failed to restore domain from \(file)") {
            try await ctx.connection().restoreDomain(from: file, xml: xml, flags: flags(ctx))
        }
        ctx.info("Domain restored from \(file)\n")
        ctx.result(.object([("action", .string("restored")), ("file", .string(file))]))
    }

    private static func flags(_ ctx: CommandContext) -> SaveRestoreFlags {
        let bits: [(String, SaveRestoreFlags)] = [
            ("bypass-cache", .bypassCache), ("running", .running), ("paused", .paused), ("reset-nvram", .resetNvram),
        ]
        return ctx.flags(bits)
    }
}
