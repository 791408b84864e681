import Foundation
import Synchronization
import SwiftVirt

/// `save` and `restore`: a running domain's state to a file and back, and
/// `save-image-dumpxml`, the file's definition; `dump`, a domain's core.
enum SaveRestoreCommands {
    static let all: [Command] = [save, restore, saveImageDumpXML, dump]

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
            let saveFlags = flags(ctx)
            try await withProgress(of: { domain }, label: "Save", shown: ctx.flag("verbose"), ctx) {
                try await domain.save(to: file, xml: xml, flags: saveFlags)
            }
        }
        ctx.info("\nDomain '\(label)' saved to \(file)\n")
        ctx.result(DomainReport.json(domain, action: "saved", extra: [("file", .string(file))]))
    }

    /// `restore <file> [--bypass-cache] [--xml FILE] [--running] [--paused] [--reset-nvram] [--verbose]`
    /// (`--verbose` is SwiftVirt's: virsh 9.0 shows no restore progress).
    static let restore = Command(CommandSpec(
        "restore", "restore a domain from a saved state in a file", description: "Restore a domain.",
        options: [
            .data("file", "the state to restore"),
            .flag("bypass-cache", "avoid file system cache when restoring"),
            .string("xml", "filename containing updated XML for the target"),
            .flag("running", "restore domain into running state"),
            .flag("paused", "restore domain into paused state"),
            .flag("reset-nvram", "re-initialize NVRAM from its pristine template"),
            .flag("verbose", "display the progress of restore"),
        ]
    )) { ctx in
        let file = try ctx.required("file")
        let xml = try ctx.string("xml").map(Files.read)
        let connection = try await ctx.connection()
        try await VirshError.context("Failed to restore domain from \(file)") {
            let restoreFlags = flags(ctx), verbose = ctx.flag("verbose")
            // The domain appears once the restore has started it; its name is in the image.
            var name = ""
            if verbose {
                let imageXML: String
                if let xml { imageXML = xml } else { imageXML = try await connection.saveImageXML(path: file) }
                name = try DomainDefinition.parse(imageXML).name
            }
            try await withProgress(of: { [name] in try? await connection.lookupDomain(name: name) }, label: "Restore", shown: verbose, ctx) {
                try await connection.restoreDomain(from: file, xml: xml, flags: restoreFlags)
            }
        }
        ctx.info((ctx.flag("verbose") ? "\n" : "") + "Domain restored from \(file)\n")
        ctx.result(.object([("action", .string("restored")), ("file", .string(file))]))
    }

    /// `save-image-dumpxml <file> [--security-info] [--xpath EXPRESSION] [--wrap]`
    static let saveImageDumpXML = Command(CommandSpec(
        "save-image-dumpxml", "saved state domain information in XML",
        description: "Dump XML of domain information for a saved state file to stdout.",
        options: [
            .data("file", "saved state file to read"),
            .flag("security-info", "include security sensitive information in XML dump"),
            .string("xpath", namedOnly: true, "xpath expression to filter the XML document"),
            .flag("wrap", "wrap xpath results in an common root element"),
        ]
    )) { ctx in
        let file = try ctx.required("file")
        let flags: DomainXMLFlags = ctx.flag("security-info") ? .secure : []
        let xml = try await VirshError.context(nil) { try await ctx.connection().saveImageXML(path: file, flags: flags) }
        try XMLOutput.print(xml, xpath: ctx.string("xpath"), wrap: ctx.flag("wrap"), to: ctx)
    }

    /// `dump <domain> <file> [--live] [--crash] [--bypass-cache] [--reset] [--verbose] [--memory-only] [--format F]`
    static let dump = Command(CommandSpec(
        "dump", "dump the core of a domain to a file for analysis", description: "Core dump a domain.",
        options: [
            .domain(),
            .data("file", "where to dump the core"),
            .flag("live", "perform a live core dump if supported"),
            .flag("crash", "crash the domain after core dump"),
            .flag("bypass-cache", "avoid file system cache when dumping"),
            .flag("reset", "reset the domain after core dump"),
            .flag("verbose", "display the progress of dump"),
            .flag("memory-only", "dump domain's memory only"),
            .string("format", "specify the format of memory-only dump"),
        ]
    )) { ctx in
        let domain = try await ctx.domain()
        let label = try ctx.required("domain")
        let file = try ctx.required("file")
        if try ctx.string("format") != nil && !ctx.flag("memory-only") {
            throw VirshError("--format only works with --memory-only", code: .invalidArg)
        }
        let flags: DumpFlags = ctx.flags([
            ("live", .live), ("crash", .crash), ("bypass-cache", .bypassCache), ("reset", .reset), ("memory-only", .memoryOnly),
        ])
        try await VirshError.context("Failed to core dump domain '\(label)' to \(file)") {
            try await domain.coreDump(to: file, flags: flags)
        }
        ctx.info("\nDomain '\(label)' dumped to \(file)\n")
        ctx.result(DomainReport.json(domain, action: "dumped", extra: [("file", .string(file))]))
    }

    private static func flags(_ ctx: CommandContext) -> SaveRestoreFlags {
        let bits: [(String, SaveRestoreFlags)] = [
            ("bypass-cache", .bypassCache), ("running", .running), ("paused", .paused), ("reset-nvram", .resetNvram),
        ]
        return ctx.flags(bits)
    }

    /// Runs `job` and, when `shown`, prints its progress on stderr as virsh's
    /// `virshPrintJobProgress` does (`\rSave: [ 42 %]`), polling `virDomainGetJobInfo`
    /// every 50 ms while it runs, then 100 % once it has succeeded. `domain` finds the
    /// domain whose job it is (a restore's, once the restore has started it).
    static func withProgress(of domain: @escaping @Sendable () async -> Domain?, label: String, shown: Bool, _ ctx: CommandContext,
                             _ job: @escaping @Sendable () async throws -> Void) async throws {
        guard shown else { return try await job() }
        let finished = Mutex(false)
        let work = Task {
            defer { finished.withLock { $0 = true } }
            try await job()
        }
        while !finished.withLock({ $0 }) {
            if let info = try? await domain()?.jobInfo(), info.type != .none, info.dataTotal > 0 {
                ctx.printError(progressLine(label, remaining: info.dataRemaining, total: info.dataTotal))
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        try await work.value
        ctx.printError(progressLine(label, remaining: 0, total: 1))
    }

    /// One progress update, as virsh 9.0 words it: whole percents, never 100 before the end.
    static func progressLine(_ label: String, remaining: UInt64, total: UInt64) -> String {
        let done = remaining == 0 ? 100 : min(99, 100 - Int(min(remaining, total) * 100 / max(total, 1)))
        return "\r\(label): [" + String(format: "%3d", done) + " %]"
    }
}
