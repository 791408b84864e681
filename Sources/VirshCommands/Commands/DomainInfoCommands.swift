import JSON
import SwiftVirt

/// Queries on one domain: `dominfo`, `domstate`, `domid`, `domname`, `domuuid`, `dumpxml`.
enum DomainInfoCommands {
    static let all: [Command] = [dominfo, domstate, domid, domname, domuuid, dumpxml]

    /// `dominfo <domain>`
    static let dominfo = Command(CommandSpec(
        "dominfo", "domain information", description: "Returns basic information about the domain.",
        options: [.domain()]
    )) { ctx in
        let domain = try await ctx.domain()
        let connection = try await ctx.connection()
        let (info, osType, persistent, autostart, managedSave, model) = try await VirshError.context(nil) {
            (try await domain.info(), try await domain.osType(), try await domain.isPersistent(),
             try await domain.autostart(), try await domain.hasManagedSaveImage(), try await connection.securityModel())
        }
        let id: Int32? = domain.id == -1 ? nil : domain.id
        var lines = KeyValueList(width: 15)
        lines.add("Id:", id.map { "\($0)" } ?? "-")
        lines.add("Name:", domain.name)
        lines.add("UUID:", domain.uuidString)
        lines.add("OS Type:", osType)
        lines.add("State:", StateText.name(info.state))
        lines.add("CPU(s):", "\(info.virtualCPUs)")
        if info.cpuTime != 0 { lines.add("CPU time:", Seconds.tenths(info.cpuTime)) }
        lines.add("Max memory:", info.maxMemory == UInt64(UInt32.max) ? "no limit" : "\(info.maxMemory) KiB")
        lines.add("Used memory:", "\(info.memory) KiB")
        lines.add("Persistent:", persistent ? "yes" : "no")
        lines.add("Autostart:", autostart ? "enable" : "disable")
        lines.add("Managed save:", managedSave ? "yes" : "no")
        var security: [(String, JSONValue)] = []
        if !model.model.isEmpty {
            lines.add("Security model:", model.model)
            lines.add("Security DOI:", model.doi)
            security = [("model", .string(model.model)), ("doi", .string(model.doi))]
            if let label = try? await domain.securityLabel(), !label.label.isEmpty {
                lines.add("Security label:", "\(label.label) (\(label.enforcing ? "enforcing" : "permissive"))")
                security += [("label", .string(label.label)), ("enforcing", .bool(label.enforcing))]
            }
        }
        ctx.print(lines.rendered)
        ctx.result(.object([
            ("id", id.map { .int(Int64($0)) } ?? .null),
            ("name", .string(domain.name)),
            ("uuid", .string(domain.uuidString)),
            ("osType", .string(osType)),
            ("state", .string(StateText.name(info.state))),
            ("cpus", .int(UInt64(info.virtualCPUs))),
            ("cpuTimeNs", .int(info.cpuTime)),
            ("maxMemoryKiB", .int(info.maxMemory)),
            ("usedMemoryKiB", .int(info.memory)),
            ("persistent", .bool(persistent)),
            ("autostart", .bool(autostart)),
            ("managedSave", .bool(managedSave)),
            ("security", .object(security)),
        ]))
    }

    /// `domstate <domain> [--reason]`
    static let domstate = Command(CommandSpec(
        "domstate", "domain state", description: "Returns state about a domain.",
        options: [.domain(), .flag("reason", "also print reason for the state")]
    )) { ctx in
        let domain = try await ctx.domain()
        let (state, reason) = try await VirshError.context(nil) { try await domain.state() }
        let name = StateText.name(state)
        let reasonText = StateText.reason(reason, for: state)
        ctx.print(ctx.flag("reason") ? "\(name) (\(reasonText))\n" : "\(name)\n")
        ctx.result(.object([("state", .string(name)), ("reason", .string(reasonText))]))
    }

    /// `domid <domain>` (by name or UUID)
    static let domid = Command(CommandSpec(
        "domid", "convert a domain name or UUID to domain id", options: [.domain("domain name or uuid")]
    )) { ctx in
        let domain = try await ctx.domain(by: [.uuid, .name])
        let active = try await VirshError.context(nil) { try await domain.isActive() }
        ctx.print(active ? "\(domain.id)\n" : "-\n")
        ctx.result(.object([("id", active ? .int(Int64(domain.id)) : .null)]))
    }

    /// `domname <domain>` (by id or UUID)
    static let domname = Command(CommandSpec(
        "domname", "convert a domain id or UUID to domain name", options: [.domain("domain id or uuid")]
    )) { ctx in
        let domain = try await ctx.domain(by: [.id, .uuid])
        ctx.print(domain.name + "\n")
        ctx.result(.object([("name", .string(domain.name))]))
    }

    /// `domuuid <domain>` (by id or name)
    static let domuuid = Command(CommandSpec(
        "domuuid", "convert a domain name or id to domain UUID", options: [.domain("domain id or name")]
    )) { ctx in
        let domain = try await ctx.domain(by: [.id, .name])
        ctx.print(domain.uuidString + "\n")
        ctx.result(.object([("uuid", .string(domain.uuidString))]))
    }

    /// `dumpxml <domain> [--inactive] [--security-info] [--update-cpu] [--migratable]`
    static let dumpxml = Command(CommandSpec(
        "dumpxml", "domain information in XML", description: "Output the domain information as an XML dump to stdout.",
        options: [
            .domain(),
            .flag("inactive", "show inactive defined XML"),
            .flag("security-info", "include security sensitive information in XML dump"),
            .flag("update-cpu", "update guest CPU according to host CPU"),
            .flag("migratable", "provide XML suitable for migrations"),
            .string("xpath", namedOnly: true, "xpath expression to filter the XML document"),
            .flag("wrap", "wrap xpath results in an common root element"),
        ]
    )) { ctx in
        let domain = try await ctx.domain()
        var flags: DomainXMLFlags = []
        if ctx.flag("inactive") { flags.insert(.inactive) }
        if ctx.flag("security-info") { flags.insert(.secure) }
        if ctx.flag("update-cpu") { flags.insert(.updateCpu) }
        if ctx.flag("migratable") { flags.insert(.migratable) }
        let xml = try await VirshError.context(nil) { try await domain.xmlDescription(flags: flags) }
        try XMLOutput.print(xml, xpath: ctx.string("xpath"), wrap: ctx.flag("wrap"), to: ctx)
    }
}
