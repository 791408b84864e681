import SwiftVirt

/// `snapshot-revert` and `snapshot-delete`.
enum SnapshotChangeCommands {
    static let all: [Command] = [revert, delete]

    /// `snapshot-revert <domain> [--snapshotname S] [--current] [--running] [--paused] [--force] [--reset-nvram]`
    static let revert = Command(CommandSpec(
        "snapshot-revert", "Revert a domain to a snapshot", description: "Revert domain to snapshot",
        options: [
            .domain(),
            .string("snapshotname", "snapshot name"),
            .flag("current", "revert to current snapshot"),
            .flag("running", "after reverting, change state to running"),
            .flag("paused", "after reverting, change state to paused"),
            .flag("force", "try harder on risky reverts"),
            .flag("reset-nvram", "re-initialize NVRAM from its pristine template"),
        ]
    )) { ctx in
        let domain = try await ctx.domain()
        let snapshot = try await ctx.snapshot(of: domain)
        let bits: [(String, SnapshotRevertFlags)] = [("running", .running), ("paused", .paused), ("force", .force), ("reset-nvram", .resetNvram)]
        let flags = ctx.flags(bits)
        try await VirshError.context("Failed to revert snapshot \(snapshot.name)") { try await snapshot.revert(flags: flags) }
        ctx.info("Domain snapshot \(snapshot.name) reverted\n")
        ctx.result(SnapshotReport.json(snapshot, action: "reverted"))
    }

    /// `snapshot-delete <domain> [--snapshotname S] [--current] [--children] [--children-only] [--metadata]`
    static let delete = Command(CommandSpec(
        "snapshot-delete", "Delete a domain snapshot", description: "Snapshot Delete",
        options: [
            .domain(),
            .string("snapshotname", "snapshot name"),
            .flag("current", "delete current snapshot"),
            .flag("children", "delete snapshot and all children"),
            .flag("children-only", "delete children but not snapshot"),
            .flag("metadata", "delete only libvirt metadata, leaving snapshot contents behind"),
        ]
    )) { ctx in
        let domain = try await ctx.domain()
        let snapshot = try await ctx.snapshot(of: domain)
        let bits: [(String, SnapshotDeleteFlags)] = [("children", .children), ("children-only", .childrenOnly), ("metadata", .metadataOnly)]
        let flags = ctx.flags(bits)
        try await VirshError.context("Failed to delete snapshot \(snapshot.name)") { try await snapshot.delete(flags: flags) }
        let childrenOnly = flags.contains(.childrenOnly)
        ctx.info("Domain snapshot \(snapshot.name)\(childrenOnly ? " children" : "") deleted\n")
        ctx.result(SnapshotReport.json(snapshot, action: childrenOnly ? "children-deleted" : "deleted"))
    }
}
