import SwiftVirt
import VirtContexts
import VirtSystem

/// Reading and changing a security context's attributes, as `vattribute` and `vuname` do:
/// `vx-flags`, `vx-caps` and `vx-uname`.
enum ContextAttributeCommands {
    static let all: [Command] = [flags, caps, uname]

    /// `--set` and `--clear`, shared by `vx-flags` and `vx-caps`.
    private static let changes = [
        ContextCommands.repeatable("set", "names to set (comma-separated; ~NAME clears)"),
        ContextCommands.repeatable("clear", "names to clear (comma-separated)"),
    ]

    /// `vx-flags <xid> [--set NAMES] [--clear NAMES]`
    static let flags = ContextCommands.command(
        "vx-flags", "show or change the flags of a security context",
        description: """
            Show the flags of context <xid> (vx_flags_get), after setting and clearing the given ones
            (vx_flags_set). Names are util-vserver's (persistent, sched_pause, INFO_INIT, VXF_REBOOT_KILL, ...)
            or 0x numbers. A flag a stock kernel cannot give is refused with the reason.
            """,
        options: [.data("xid", "context id")] + changes
    ) { ctx in
        let (xid, value) = try await attribute(ctx, get: "vx_flags_get", set: "vx_flags_set") { context, change throws in
            if let change {
                let (set, clear) = try ContextBitNames.flags.parse(set: change.set, clear: change.clear)
                try context.setFlags(ContextFlags(rawValue: set), mask: ContextFlags(rawValue: set | clear))
            }
            return context.flags().rawValue
        }
        ContextReport.bits(xid: xid, label: "Flags", key: "flags", value: value, names: ContextBitNames.flags.names(of: value)).emit(ctx)
    }

    /// `vx-caps <xid> [--bcaps] [--set NAMES] [--clear NAMES]`
    static let caps = ContextCommands.command(
        "vx-caps", "show or change the capabilities of a security context",
        description: """
            Show the context capabilities of context <xid> (vx_ccaps_get), after setting and clearing the
            given ones (vx_ccaps_set): SET_UTSNAME, RAW_ICMP, SECURE_MOUNT, ... or 0x numbers.
            With --bcaps, the same for the capability bounding set of its processes (vx_bcaps_get,
            vx_bcaps_set) with CAP_* names; that set is fixed when the context is created, so a change
            is refused with the reason.
            """,
        options: [.data("xid", "context id"), .flag("bcaps", "the bounding set (CAP_* names) instead of the context capabilities")] + changes
    ) { ctx in
        let bounding = ctx.flag("bcaps")
        let calls = bounding ? ("vx_bcaps_get", "vx_bcaps_set") : ("vx_ccaps_get", "vx_ccaps_set")
        let (xid, value) = try await attribute(ctx, get: calls.0, set: calls.1) { context, change throws in
            let (setWords, clearWords) = change ?? ([], [])
            if bounding {
                let (set, clear) = try BoundingSetNames.parse(set: setWords, clear: clearWords)
                if change != nil { try context.setBoundingSet(set, mask: set.union(clear)) }
                return context.boundingSet().rawValue
            }
            let (set, clear) = try ContextBitNames.capabilities.parse(set: setWords, clear: clearWords)
            if change != nil { try context.setCapabilities(ContextCapabilities(rawValue: set), mask: ContextCapabilities(rawValue: set | clear)) }
            return context.capabilities().rawValue
        }
        let names = bounding ? BoundingSetNames.names(of: CapabilitySet(rawValue: value)) : ContextBitNames.capabilities.names(of: value)
        ContextReport.bits(xid: xid, label: bounding ? "Bcaps" : "Ccaps", key: bounding ? "bcaps" : "ccaps", value: value, names: names).emit(ctx)
    }

    /// Runs `body` on context `<xid>` with the `--set`/`--clear` words, or nil without them,
    /// named as the `set` call when there are changes and the `get` call otherwise.
    private static func attribute(
        _ ctx: CommandContext, get: String, set: String,
        _ body: (Context, (set: [String], clear: [String])?) throws -> UInt64
    ) async throws(VirshError) -> (UInt32, UInt64) {
        let change = ctx.flag("set") || ctx.flag("clear") ? (ctx.list("set"), ctx.list("clear")) : nil
        return try await ctx.vx(change == nil ? get : set) { () throws -> (UInt32, UInt64) in
            let context = try ctx.securityContext()
            return (context.xid, try body(context, change))
        }
    }

    /// `vx-uname <xid> [<field> [<value>]]`
    static let uname = ContextCommands.command(
        "vx-uname", "show or change the system information of a security context",
        description: """
            Show the virtual system information of context <xid> (vx_uname_get), one <field>, or set
            <field> to <value> (vx_uname_set), as 'vuname' does. Fields: context (the context's name),
            sysname, nodename, release, version, machine, domainname.
            """,
        options: [
            .data("xid", "context id"),
            .data("field", required: false, "context, sysname, nodename, release, version, machine or domainname"),
            .data("value", required: false, "the new value"),
        ]
    ) { ctx in
        let value = try ctx.string("value", allowEmpty: true)
        let (xid, fields) = try await ctx.vx(value == nil ? "vx_uname_get" : "vx_uname_set") { () throws -> (UInt32, [(UnameField, String)]) in
            let context = try ctx.securityContext()
            guard let name = try ctx.string("field") else {
                return (context.xid, UnameFieldNames.all.map { ($0.field, context.uname($0.field)) })
            }
            let field = try UnameFieldNames.parse(name)
            if let value { try context.setUname(field, value) }
            return (context.xid, [(field, context.uname(field))])
        }
        var report = ContextReport()
        report.fields.append(("xid", .int(UInt64(xid))))
        for (field, text) in fields {
            report.add("\(UnameFieldNames.name(field)):", text, UnameFieldNames.name(field), .string(text))
        }
        if fields.count == 1 {
            ctx.print(fields[0].1 + "\n")
            ctx.result(.object(report.fields))
        } else {
            report.emit(ctx)
        }
    }
}
