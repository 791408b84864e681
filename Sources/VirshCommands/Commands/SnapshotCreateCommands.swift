import SwiftVirt

/// `snapshot-create` (from an XML file) and `snapshot-create-as` (from arguments).
enum SnapshotCreateCommands {
    static let all: [Command] = [create, createAs]

    /// The creation flags both commands share, with the `virDomainSnapshotCreateXML` bit each sets.
    private static let sharedFlags: [(String, String, SnapshotCreateFlags)] = [
        ("no-metadata", "take snapshot but create no metadata", .noMetadata),
        ("halt", "halt domain after snapshot is created", .halt),
        ("disk-only", "capture disk state but not vm state", .diskOnly),
        ("reuse-external", "reuse any existing external files", .reuseExt),
        ("quiesce", "quiesce guest's file systems", .quiesce),
        ("atomic", "require atomic operation", .atomic),
        ("live", "take a live snapshot", .live),
        ("validate", "validate the XML against the schema", .validate),
    ]

    private static func flags(_ ctx: CommandContext) -> SnapshotCreateFlags {
        ctx.flags(sharedFlags.map { ($0.0, $0.2) } + [("redefine", .redefine), ("current", .current)])
    }

    /// `snapshot-create <domain> [--xmlfile FILE] [--redefine] [--current] [flags…]`
    static let create = Command(CommandSpec(
        "snapshot-create", "Create a snapshot from XML", description: "Create a snapshot (disk and RAM) from XML",
        options: [
            .domain(),
            .string("xmlfile", "domain snapshot XML"),
            .flag("redefine", "redefine metadata for existing snapshot"),
            .flag("current", "with redefine, set current snapshot"),
        ] + sharedFlags.map { OptionSpec.flag($0.0, $0.1) }
    )) { ctx in
        let domain = try await ctx.domain()
        let file = try ctx.string("xmlfile")
        let xml = try file.map(Files.read) ?? "<domainsnapshot/>"
        let snapshot = try await VirshError.context(nil) { try await domain.createSnapshot(xml: xml, flags: flags(ctx)) }
        ctx.info("Domain snapshot \(snapshot.name) created" + (file.map { " from '\($0)'" } ?? ""))
        ctx.result(SnapshotReport.json(snapshot, action: "created"))
    }

    /// `snapshot-create-as <domain> [--name N] [--description D] [--print-xml] [flags…] [--memspec S] [--diskspec S]…`
    static let createAs = Command(CommandSpec(
        "snapshot-create-as", "Create a snapshot from a set of args",
        description: "Create a snapshot (disk and RAM) from arguments",
        options: [
            .domain(),
            .string("name", "name of snapshot"),
            .string("description", "description of snapshot"),
            .flag("print-xml", "print XML document rather than create"),
        ] + sharedFlags.map { OptionSpec.flag($0.0, $0.1) } + [
            .string("memspec", namedOnly: true, "memory attributes: [file=]name[,snapshot=type]"),
            .argv("diskspec", "disk attributes: disk[,snapshot=type][,driver=type][,stype=type][,file=name]"),
        ]
    )) { ctx in
        let domain = try await ctx.domain()
        var xml = "<domainsnapshot>\n"
        if let name = try ctx.string("name") { xml += "  <name>\(XMLEscaping.escape(name))</name>\n" }
        if let text = try ctx.string("description") { xml += "  <description>\(XMLEscaping.escape(text))</description>\n" }
        if let memspec = try ctx.string("memspec") { xml += try SnapshotSpecs.memory(memspec) }
        let diskspecs = ctx.list("diskspec")
        if !diskspecs.isEmpty {
            xml += "  <disks>\n"
            for spec in diskspecs { xml += try SnapshotSpecs.disk(spec) }
            xml += "  </disks>\n"
        }
        xml += "</domainsnapshot>\n"
        if ctx.flag("print-xml") {
            ctx.print(xml + "\n")
            ctx.result(.object([("xml", .string(xml))]))
            return
        }
        let snapshot = try await VirshError.context(nil) { try await domain.createSnapshot(xml: xml, flags: flags(ctx)) }
        ctx.info("Domain snapshot \(snapshot.name) created")
        ctx.result(SnapshotReport.json(snapshot, action: "created"))
    }
}

/// The `--memspec` and `--diskspec` mini-languages of `snapshot-create-as`: comma
/// separated `key=value` pairs (`,,` is a literal comma) after an optional leading value.
enum SnapshotSpecs {
    /// `[file=]name[,snapshot=type]` as a `<memory>` element line.
    static func memory(_ spec: String) throws(VirshError) -> String {
        var file: String?
        var snapshot: String?
        for (index, field) in CommaList.split(spec).enumerated() {
            if field.hasPrefix("file=") {
                file = String(field.dropFirst(5))
            } else if field.hasPrefix("snapshot=") {
                snapshot = String(field.dropFirst(9))
            } else if index == 0 && !field.contains("=") {
                file = field
            } else {
                throw VirshError("unable to parse memspec: \(spec)")
            }
        }
        var line = "  <memory"
        if let snapshot { line += " snapshot='\(XMLEscaping.escape(snapshot))'" }
        if let file { line += " file='\(XMLEscaping.escape(file))'" }
        return line + "/>\n"
    }

    /// `disk[,snapshot=type][,driver=type][,stype=type][,file=name]` as a `<disk>` element.
    static func disk(_ spec: String) throws(VirshError) -> String {
        let fields = CommaList.split(spec)
        guard let name = fields.first, !name.contains("=") else { throw VirshError("unable to parse diskspec: \(spec)") }
        var values: [String: String] = [:]
        for field in fields.dropFirst() {
            guard let equals = field.firstIndex(of: "="),
                  ["snapshot", "driver", "stype", "file"].contains(String(field[..<equals])) else {
                throw VirshError("unable to parse diskspec: \(spec)")
            }
            values[String(field[..<equals])] = String(field[field.index(after: equals)...])
        }
        var out = "    <disk name='\(XMLEscaping.escape(name))'"
        if let snapshot = values["snapshot"] { out += " snapshot='\(XMLEscaping.escape(snapshot))'" }
        if let type = values["stype"] { out += " type='\(XMLEscaping.escape(type))'" }
        guard values["driver"] != nil || values["file"] != nil else { return out + "/>\n" }
        out += ">\n"
        if let driver = values["driver"] { out += "      <driver type='\(XMLEscaping.escape(driver))'/>\n" }
        if let file = values["file"] {
            out += "      <source \(values["stype"] == "block" ? "dev" : "file")='\(XMLEscaping.escape(file))'/>\n"
        }
        return out + "    </disk>\n"
    }
}
