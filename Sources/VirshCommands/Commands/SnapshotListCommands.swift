import SwiftVirt

/// `snapshot-list`: a domain's snapshots as a table, names, or a tree.
enum SnapshotListCommands {
    static let all: [Command] = [list]

    /// The filter flags, with the `virDomainListAllSnapshots` bit each sets.
    private static let filters: [(String, String, SnapshotListFlags)] = [
        ("leaves", "list only snapshots without children", .leaves),
        ("no-leaves", "list only snapshots that are not leaves (with children)", .noLeaves),
        ("metadata", "list only snapshots that have metadata that would prevent undefine", .metadata),
        ("no-metadata", "list only snapshots that have no metadata managed by libvirt", .noMetadata),
        ("inactive", "filter by snapshots taken while inactive", .inactive),
        ("active", "filter by snapshots taken while active (full system snapshots)", .active),
        ("disk-only", "filter by disk-only snapshots", .diskOnly),
        ("internal", "filter by internal snapshots", .internal),
        ("external", "filter by external snapshots", .external),
    ]

    /// `snapshot-list <domain> [--parent] [--roots] [filters…] [--tree] [--from S] [--current] [--descendants] [--name] [--topological]`
    static let list = Command(CommandSpec(
        "snapshot-list", "List snapshots for a domain", description: "Snapshot List",
        options: [
            .domain(),
            .flag("parent", "add a column showing parent snapshot"),
            .flag("roots", "list only snapshots without parents"),
        ] + filters.map { OptionSpec.flag($0.0, $0.1) } + [
            .flag("tree", "list snapshots in a tree"),
            .string("from", "limit list to children of given snapshot"),
            .flag("current", "limit list to children of current snapshot"),
            .flag("descendants", "with --from, list all descendants"),
            .flag("name", "list snapshot names only"),
            .flag("topological", "sort list topologically rather than by name"),
        ]
    )) { ctx in
        for (a, b) in [("tree", "name"), ("parent", "roots"), ("parent", "tree"), ("roots", "tree"), ("roots", "from"), ("roots", "current")] {
            try ctx.exclusive(a, b)
        }
        let domain = try await ctx.domain()
        let from = try ctx.string("from")
        if from != nil && ctx.flag("current") { throw VirshError("--from and --current are mutually exclusive") }
        for filter in ["leaves", "no-leaves"] where ctx.flag(filter) && ctx.flag("tree") {
            throw VirshError("--\(filter) and --tree are mutually exclusive")
        }
        if ctx.flag("descendants") && from == nil && !ctx.flag("current") {
            throw VirshError("--descendants requires either --from or --current")
        }
        var flags = ctx.flags(filters.map { ($0.0, $0.2) })
        if ctx.flag("topological") { flags.insert(.topological) }

        let summaries = try await VirshError.context(nil) {
            var start: DomainSnapshot?
            if let from { start = try await domain.snapshot(named: from) }
            if ctx.flag("current") { start = try await domain.currentSnapshot() }
            var snapshots: [DomainSnapshot]
            if let start {
                if ctx.flag("descendants") { flags.insert(.descendants) }
                snapshots = try await start.listAllChildren(flags: flags)
            } else {
                if ctx.flag("roots") { flags.insert(.roots) }
                snapshots = try await domain.listAllSnapshots(flags: flags)
            }
            if !ctx.flag("topological") { snapshots.sort { $0.name < $1.name } }
            if let start, ctx.flag("tree") { snapshots.insert(start, at: 0) }
            return try await snapshots.asyncMap(SnapshotSummary.init)
        }
        ctx.result(.array(summaries.map(\.json)))

        if ctx.flag("name") {
            ctx.print(summaries.map { $0.name + "\n" }.joined())
        } else if ctx.flag("tree") {
            let names = Set(summaries.map(\.name))
            ctx.print(Tree(nodes: summaries.map { ($0.name, $0.parent.flatMap { names.contains($0) ? $0 : nil }) }).rendered)
        } else {
            let withParent = ctx.flag("parent")
            var table = Table(headers: ["Name", "Creation Time", "State"] + (withParent ? ["Parent"] : []))
            for summary in summaries {
                table.rows.append([summary.name, summary.creationText, summary.state] + (withParent ? [summary.parent ?? ""] : []))
            }
            ctx.print(table)
        }
    }
}
