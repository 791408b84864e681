import JSON
import SwiftVirt

/// `list`: the domains, filtered, as a table or bare names, UUIDs and ids.
enum DomainListCommands {
    static let all: [Command] = [list]

    /// The filter flags, each mapped to the `virConnectListAllDomains` bit it sets.
    private static let filters: [(String, String, ListDomainsFlags)] = [
        ("transient", "list transient domains", .transient),
        ("persistent", "list persistent domains", .persistent),
        ("with-snapshot", "list domains with existing snapshot", .hasSnapshot),
        ("without-snapshot", "list domains without a snapshot", .noSnapshot),
        ("with-checkpoint", "list domains with existing checkpoint", .hasCheckpoint),
        ("without-checkpoint", "list domains without a checkpoint", .noCheckpoint),
        ("state-running", "list domains in running state", .running),
        ("state-paused", "list domains in paused state", .paused),
        ("state-shutoff", "list domains in shutoff state", .shutoff),
        ("state-other", "list domains in other states", .other),
        ("autostart", "list domains with autostart enabled", .autostart),
        ("no-autostart", "list domains with autostart disabled", .noAutostart),
        ("with-managed-save", "list domains with managed save state", .managedsave),
        ("without-managed-save", "list domains without managed save", .noManagedsave),
    ]

    /// `list [--inactive] [--all] [filters…] [--uuid] [--name] [--id] [--table] [--managed-save] [--title]`
    static let list = Command(CommandSpec(
        "list", "list domains", description: "Returns list of domains.",
        options: [
            .flag("inactive", "list inactive domains"),
            .flag("all", "list inactive & active domains"),
        ] + filters.map { OptionSpec.flag($0.0, $0.1) } + [
            .flag("uuid", "list uuid's only"),
            .flag("name", "list domain names only"),
            .flag("id", "list domain IDs only"),
            .flag("table", "list table (default)"),
            .flag("managed-save", "mark inactive domains with managed save state"),
            .flag("title", "show domain title"),
        ]
    )) { ctx in
        for other in ["name", "uuid", "id"] { try ctx.exclusive("table", other) }
        var flags: ListDomainsFlags = ctx.flag("inactive") || ctx.flag("state-shutoff") ? .inactive : .active
        if ctx.flag("all") { flags = [.active, .inactive] }
        for (option, _, bit) in filters where ctx.flag(option) { flags.insert(bit) }
        let domains = try await VirshError.context("Failed to list domains") {
            try await ctx.connection().listAllDomains(flags: flags)
        }
        let rows = try await VirshError.context(nil) { try await domains.asyncMap(Row.init) }.sorted(by: Row.order)
        let showTitle = ctx.flag("title")
        var titles: [String] = []
        if showTitle { titles = try await VirshError.context(nil) { try await rows.asyncMap { try await $0.domain.definition().title ?? "" } } }
        ctx.result(.array(rows.enumerated().map { index, row in row.json(title: showTitle ? titles[index] : nil) }))

        let bare = ["uuid", "id", "name"].filter(ctx.flag)
        if !bare.isEmpty {
            var text = ""
            for row in rows {
                if bare == ["id"] && row.id == nil { continue }
                let parts = bare.map { field in
                    switch field {
                    case "uuid": row.domain.uuidString
                    case "id": row.idText
                    default: row.domain.name
                    }
                }
                text += parts.joined(separator: " ") + "\n"
            }
            ctx.print(text)
            return
        }
        var table = Table(headers: ["Id", "Name", "State"] + (showTitle ? ["Title"] : []))
        for (index, row) in rows.enumerated() {
            let state = ctx.flag("managed-save") && row.hasManagedSave && row.id == nil ? "saved" : StateText.name(row.state)
            table.rows.append([row.idText, row.domain.name, state] + (showTitle ? [titles[index]] : []))
        }
        ctx.print(table)
    }

    /// One listed domain with what the listing shows.
    private struct Row {
        let domain: Domain
        let state: DomainState
        let id: Int32?
        let hasManagedSave: Bool

        init(_ domain: Domain) async throws {
            self.domain = domain
            state = try await domain.state().state
            id = domain.id == -1 ? nil : domain.id
            hasManagedSave = try await domain.hasManagedSaveImage()
        }

        var idText: String { id.map { "\($0)" } ?? "-" }

        /// virsh's order: active domains by id, then inactive ones by name.
        static func order(_ a: Row, _ b: Row) -> Bool {
            switch (a.id, b.id) {
            case let (x?, y?): x < y
            case (.some, nil): true
            case (nil, .some): false
            case (nil, nil): a.domain.name.lowercased() < b.domain.name.lowercased()
            }
        }

        func json(title: String?) -> JSONValue {
            var fields: [(String, JSONValue)] = [
                ("id", id.map { .int(Int64($0)) } ?? .null),
                ("name", .string(domain.name)),
                ("uuid", .string(domain.uuidString)),
                ("state", .string(StateText.name(state))),
                ("managedSave", .bool(hasManagedSave)),
            ]
            if let title { fields.append(("title", .string(title))) }
            return .object(fields)
        }
    }
}

extension Array {
    /// `map` with an async transform, in order.
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        out.reserveCapacity(count)
        for element in self { out.append(try await transform(element)) }
        return out
    }
}
