import SwiftVirt

/// Snapshot queries: `snapshot-current`, `snapshot-info`, `snapshot-dumpxml`, `snapshot-parent`.
enum SnapshotQueryCommands {
    static let all: [Command] = [current, info, dumpxml, parent]

    /// `snapshot-current <domain> [--name] [--security-info] [--snapshotname S]`; with a
    /// name it makes that snapshot current (a redefinition with `CURRENT`).
    static let current = Command(CommandSpec(
        "snapshot-current", "Get or set the current snapshot", description: "Get or set the current snapshot",
        options: [
            .domain(),
            .flag("name", "list the name, rather than the full xml"),
            .flag("security-info", "include security sensitive information in XML dump"),
            .string("snapshotname", "name of existing snapshot to make current"),
        ]
    )) { ctx in
        let domain = try await ctx.domain()
        let flags: SnapshotXMLFlags = ctx.flag("security-info") ? .secure : []
        if let name = try ctx.string("snapshotname") {
            try ctx.exclusive("name", "snapshotname")
            let snapshot = try await VirshError.context(nil) {
                let snapshot = try await domain.snapshot(named: name)
                let xml = try await snapshot.xmlDescription(flags: .secure)
                return try await domain.createSnapshot(xml: xml, flags: [.redefine, .current])
            }
            ctx.info("Snapshot \(name) set as current")
            ctx.result(SnapshotReport.json(snapshot, action: "current"))
            return
        }
        let (snapshot, xml) = try await VirshError.context(nil) {
            guard try await domain.hasCurrentSnapshot() else {
                throw VirshError("domain '\(domain.name)' has no current snapshot", code: .noDomainSnapshot, domain: .domainSnapshot)
            }
            let snapshot = try await domain.currentSnapshot()
            return (snapshot, try await snapshot.xmlDescription(flags: flags))
        }
        ctx.print(ctx.flag("name") ? snapshot.name : xml)
        ctx.result(.object([("name", .string(snapshot.name)), ("xml", .string(xml))]))
    }

    /// `snapshot-info <domain> [--snapshotname S] [--current]`
    static let info = Command(CommandSpec(
        "snapshot-info", "snapshot information", description: "Returns basic information about a snapshot.",
        options: [.domain(), .string("snapshotname", "snapshot name"), .flag("current", "info on current snapshot")]
    )) { ctx in
        let domain = try await ctx.domain()
        let snapshot = try await ctx.snapshot(of: domain)
        let (summary, isCurrent, children, descendants, metadata) = try await VirshError.context(nil) {
            (try await SnapshotSummary(snapshot), try await snapshot.isCurrent(), try await snapshot.childCount(),
             try await snapshot.childCount(flags: .descendants), try await snapshot.hasMetadata())
        }
        var lines = KeyValueList(width: 15)
        lines.add("Name:", snapshot.name)
        lines.add("Domain:", domain.name)
        lines.add("Current:", isCurrent ? "yes" : "no")
        lines.add("State:", summary.state)
        lines.add("Location:", summary.location)
        lines.add("Parent:", summary.parent ?? "-")
        lines.add("Children:", "\(children)")
        lines.add("Descendants:", "\(descendants)")
        lines.add("Metadata:", metadata ? "yes" : "no")
        ctx.print(lines.rendered)
        ctx.result(.object([
            ("name", .string(snapshot.name)),
            ("domain", .string(domain.name)),
            ("current", .bool(isCurrent)),
            ("state", .string(summary.state)),
            ("location", .string(summary.location)),
            ("parent", .optional(summary.parent)),
            ("children", .int(Int64(children))),
            ("descendants", .int(Int64(descendants))),
            ("metadata", .bool(metadata)),
        ]))
    }

    /// `snapshot-dumpxml <domain> <snapshotname> [--security-info]`
    static let dumpxml = Command(CommandSpec(
        "snapshot-dumpxml", "Dump XML for a domain snapshot", description: "Snapshot Dump XML",
        options: [
            .domain(),
            .data("snapshotname", "snapshot name"),
            .flag("security-info", "include security sensitive information in XML dump"),
            .string("xpath", namedOnly: true, "xpath expression to filter the XML document"),
            .flag("wrap", "wrap xpath results in an common root element"),
        ]
    )) { ctx in
        let domain = try await ctx.domain()
        let name = try ctx.required("snapshotname")
        let flags: SnapshotXMLFlags = ctx.flag("security-info") ? .secure : []
        let xml = try await VirshError.context(nil) { try await domain.snapshot(named: name).xmlDescription(flags: flags) }
        try XMLOutput.print(xml, xpath: ctx.string("xpath"), wrap: ctx.flag("wrap"), to: ctx)
    }

    /// `snapshot-parent <domain> [--snapshotname S] [--current]`
    static let parent = Command(CommandSpec(
        "snapshot-parent", "Get the name of the parent of a snapshot",
        description: "Extract the snapshot's parent, if any",
        options: [
            .domain(),
            .string("snapshotname", "find parent of snapshot name"),
            .flag("current", "find parent of current snapshot"),
        ]
    )) { ctx in
        let domain = try await ctx.domain()
        let snapshot = try await ctx.snapshot(of: domain)
        let summary = try await VirshError.context(nil) { try await SnapshotSummary(snapshot) }
        guard let parent = summary.parent else {
            throw VirshError("snapshot '\(snapshot.name)' has no parent", code: .noDomainSnapshot, domain: .domainSnapshot)
        }
        ctx.print(parent)
        ctx.result(.object([("name", .string(snapshot.name)), ("parent", .string(parent))]))
    }
}
