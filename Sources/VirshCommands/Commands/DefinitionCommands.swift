import JSON
import SwiftVirt

/// Commands that add or remove domains: `define`, `undefine`, `create`.
enum DefinitionCommands {
    static let all: [Command] = [define, undefine, create]

    /// `define <file> [--validate]`
    static let define = Command(CommandSpec(
        "define", "define (but don't start) a domain from an XML file", description: "Define a domain.",
        options: [
            .data("file", "file containing an XML domain description"),
            .flag("validate", "validate the XML against the schema"),
        ]
    )) { ctx in
        let file = try ctx.required("file")
        let xml = try Files.read(file)
        let flags: DefineFlags = ctx.flag("validate") ? .validate : []
        let domain = try await VirshError.context("Failed to define domain from \(file)") {
            try await ctx.connection().defineDomain(xml: xml, flags: flags)
        }
        ctx.info("Domain '\(domain.name)' defined from \(file)\n")
        ctx.result(DomainReport.json(domain, action: "defined"))
    }

    /// `create <file> [--console] [--paused] [--autodestroy] [--pass-fds] [--validate] [--reset-nvram]`
    static let create = Command(CommandSpec(
        "create", "create a domain from an XML file", description: "Create a domain.",
        options: [
            .data("file", "file containing an XML domain description"),
            .flag("console", "attach to console after creation"),
            .flag("paused", "leave the guest paused after creation"),
            .flag("autodestroy", "automatically destroy the guest when virsh disconnects"),
            .string("pass-fds", "pass file descriptors N,M,... to the guest"),
            .flag("validate", "validate the XML against the schema"),
            .flag("reset-nvram", "re-initialize NVRAM from its pristine template"),
        ]
    )) { ctx in
        let file = try ctx.required("file")
        let xml = try Files.read(file)
        let flags = try LifecycleCommands.startFlags(ctx)
        let domain = try await VirshError.context("Failed to create domain from \(file)") {
            try await ctx.connection().createDomain(xml: xml, flags: flags)
        }
        ctx.info("Domain '\(domain.name)' created from \(file)\n")
        ctx.result(DomainReport.json(domain, action: "created"))
        try LifecycleCommands.refuseConsole(ctx)
    }

    /// `undefine <domain> [--managed-save] [--storage] … [--snapshots-metadata] …`
    static let undefine = Command(CommandSpec(
        "undefine", "undefine a domain", description: "Undefine an inactive domain, or convert persistent to transient.",
        options: [
            .domain(),
            .flag("managed-save", "remove domain managed state file"),
            .string("storage", "remove associated storage volumes (comma separated list of targets or source paths) (see domblklist)"),
            .flag("remove-all-storage", "remove all associated storage volumes (use with caution)"),
            .flag("delete-storage-volume-snapshots", "delete snapshots associated with volume(s), requires --remove-all-storage (must be supported by storage driver)"),
            .flag("wipe-storage", "wipe data on the removed volumes"),
            .flag("snapshots-metadata", "remove all domain snapshot metadata (vm must be inactive)"),
            .flag("checkpoints-metadata", "remove all domain checkpoint metadata (vm must be inactive)"),
            .flag("nvram", "remove nvram file"),
            .flag("keep-nvram", "keep nvram file"),
            .flag("tpm", "remove TPM state"),
            .flag("keep-tpm", "keep TPM state"),
        ]
    )) { ctx in
        let domain = try await ctx.domain()
        let label = try ctx.required("domain")
        let removesStorage = try ctx.string("storage") != nil || ctx.flag("remove-all-storage")
        if ctx.flag("wipe-storage") && !removesStorage {
            throw VirshError("'--wipe-storage' requires '--storage <string>' or '--remove-all-storage'")
        }
        if removesStorage, try await VirshError.context(nil, { try await domain.isActive() }) {
            throw VirshError("Storage volume deletion is supported only on stopped domains", code: .operationInvalid)
        }
        let bits: [(String, UndefineFlags)] = [
            ("managed-save", .managedSave), ("snapshots-metadata", .snapshotsMetadata),
            ("checkpoints-metadata", .checkpointsMetadata), ("nvram", .nvram), ("keep-nvram", .keepNvram),
            ("tpm", .tpm), ("keep-tpm", .keepTpm),
        ]
        let flags = ctx.flags(bits)
        try await VirshError.context("Failed to undefine domain '\(label)'") { try await domain.undefine(flags: flags) }
        ctx.info("Domain '\(label)' has been undefined\n")
        ctx.result(DomainReport.json(domain, action: "undefined"))
    }
}

/// The JSON reply of commands that act on a domain.
enum DomainReport {
    /// `{"name": …, "uuid": …, "action": …}`
    static func json(_ domain: Domain, action: String, extra: [(String, JSONValue)] = []) -> JSONValue {
        .object([("name", .string(domain.name)), ("uuid", .string(domain.uuidString)), ("action", .string(action))] + extra)
    }
}
