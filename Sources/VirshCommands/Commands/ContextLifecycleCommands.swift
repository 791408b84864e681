import SwiftVirt
import VirtContexts

/// Starting and ending security contexts: `vx-create` (`vcontext --create`), `vx-migrate`
/// (`vcontext --migrate`, in its own file), `vx-kill` (`vkill`) and `vx-wait` (`vwait`).
enum ContextLifecycleCommands {
    static let all: [Command] = [create, ContextMigrateCommand.migrate, kill, wait]

    /// `vx-create <xid> [--flag NAME]... [--flags LIST] [--ccap NAME]... [--bcap-drop CAP]... [--bcaps LIST]
    /// [--uname FIELD=VALUE]... [--nproc N] [--memory BYTES] [--detach] -- <command>...`
    static let create = ContextCommands.command(
        "vx-create", "create a security context and run a command in it",
        description: """
            Create security context <xid> and start <command> (an absolute path and its arguments) as its
            first process (vx_create), as 'vcontext --create --' does; with INFO_INIT it is pid 1 of the
            context's pid namespace.
            By default virtsh stays in the foreground as the context's creator: the command gets virtsh's
            standard input, output and error, and virtsh exits with the command's exit code (128 + the
            signal if a signal ended it) once the context has died.
            With --detach, virtsh prints the xid and the first process's pid and returns; the context keeps running.
            The default flags are INFO_INIT,INFO_NSPACE (own pid and mount namespaces).
            """,
        options: [
            .data("xid", "context id (1-65534)"),
            ContextCommands.repeatable("flag", "add flags: names (persistent, INFO_INIT, sched_pause, ...) or 0x numbers; ~NAME drops a default"),
            .string("flags", namedOnly: true, "the complete flag list, replacing the default INFO_INIT,INFO_NSPACE"),
            ContextCommands.repeatable("ccap", "context capabilities (SET_UTSNAME, RAW_ICMP, SECURE_MOUNT, ...)"),
            ContextCommands.repeatable("bcap-drop", "drop capabilities (CAP_* names) from the default bounding set"),
            .string("bcaps", namedOnly: true, "the complete bounding set: CAP_* names or a 0x mask"),
            ContextCommands.repeatable("uname", "virtual system information FIELD=VALUE (context, sysname, nodename, release, version, machine, domainname)"),
            .string("nproc", namedOnly: true, "process limit; sets INFO_NPROC"),
            .string("memory", namedOnly: true, "memory limit in bytes (k, M, G, ... suffixes allowed)"),
            .flag("detach", "return at once, leaving the context running"),
            .argv("command", "the first process: an absolute path, then its arguments"),
        ]
    ) { ctx in
        let running = try await ctx.vx("vx_create") {
            try ctx.contextSystem().create(xid: try ctx.xid(), command: ctx.list("command"), options: try options(ctx))
        }
        var report = ContextReport.info(running.context)
        if ctx.flag("detach") { return report.emit(ctx) }
        let exit = try await ctx.vx("vx_wait") { () async throws -> ContextExit in try await running.wait() }
        report.add(exit)
        ctx.result(.object(report.fields))
        ctx.exitStatus = exit.shellStatus
    }

    /// The ``ContextOptions`` of `vx-create`'s options.
    private static func options(_ ctx: CommandContext) throws -> ContextOptions {
        var options = ContextOptions()
        try ctx.exclusive("bcaps", "bcap-drop")
        if let list = try ctx.string("flags") {
            options.flags = ContextFlags(rawValue: try ContextBitNames.flags.parse([list]).set)
        }
        let flags = try ContextBitNames.flags.parse(ctx.list("flag"))
        options.flags = options.flags.subtracting(ContextFlags(rawValue: flags.clear)).union(ContextFlags(rawValue: flags.set))
        options.capabilities = ContextCapabilities(rawValue: try ContextBitNames.capabilities.parse(ctx.list("ccap")).set)
        if let list = try ctx.string("bcaps") {
            options.boundingSet = try BoundingSetNames.parse([list]).set
        } else if !ctx.list("bcap-drop").isEmpty {
            options.boundingSet = ContextOptions.defaultBoundingSet.subtracting(try BoundingSetNames.parse(ctx.list("bcap-drop")).set)
        }
        for assignment in ctx.list("uname") {
            guard let equals = assignment.firstIndex(of: "=") else {
                throw VirError.invalidArg("invalid --uname '\(assignment)': expected FIELD=VALUE", domain: .none)
            }
            options.uname[try UnameFieldNames.parse(String(assignment[..<equals]))] = String(assignment[assignment.index(after: equals)...])
        }
        if let limit = try ctx.unsigned("nproc", in: 1...UInt64(Int64.max)) {
            options.processLimit = Int64(limit)
            options.flags.insert(.infoNproc)
        }
        if let bytes = try ctx.scaledSize("memory", defaultScale: 1, maximum: UInt64(Int64.max)) {
            options.memoryLimit = Int64(bytes)
        }
        return options
    }

    /// `vx-kill <xid> [--pid N] [--signal SIG]`
    static let kill = ContextCommands.command(
        "vx-kill", "send a signal to a security context",
        description: """
            Send a signal to the processes of context <xid> (vx_kill), as 'vkill' does. --pid 0 (the default)
            signals every process at once, atomically against forks; --pid 1 signals the context's init (as for
            any pid 1, only the signals it handles, and KILL, reach it); any other pid must be one of the
            context's processes (host pid).
            The signal is a name (TERM, SIGKILL, hup) or a number; the default is TERM.
            """,
        options: [
            .data("xid", "context id"),
            .string("pid", namedOnly: true, "0 for every process (default), 1 for the init, or a host pid"),
            .string("signal", namedOnly: true, "signal name or number (default TERM)"),
        ]
    ) { ctx in
        let (xid, pid, signal) = try await ctx.vx("vx_kill") { () throws -> (UInt32, Int32, Int32) in
            let pid = Int32(try ctx.unsigned("pid", in: 0...UInt64(Int32.max)) ?? 0)
            let signal = try SignalNames.parse(try ctx.string("signal") ?? "TERM")
            let context = try ctx.securityContext()
            try context.kill(pid: pid, signal: signal)
            return (context.xid, pid, signal)
        }
        ctx.info("Signal \(signal) sent to \(pid == 0 ? "every process of" : "process \(pid) of") security context \(xid)\n")
        ctx.result(.object([("xid", .int(UInt64(xid))), ("pid", .int(Int64(pid))), ("signal", .int(Int64(signal)))]))
    }

    /// `vx-wait <xid>`
    static let wait = ContextCommands.command(
        "vx-wait", "wait for a security context to die",
        description: """
            Wait until context <xid> has died (vx_wait), as 'vwait' does, from any process, not only its
            creator; then print the first process's exit code or the signal that ended it, and the
            command reboot(2) gave inside, if any. virtsh itself exits 0.
            """,
        options: [.data("xid", "context id")]
    ) { ctx in
        let (xid, exit) = try await ctx.vx("vx_wait") { () async throws -> (UInt32, ContextExit) in
            let xid = try ctx.xid()
            return (xid, try await ctx.contextSystem().wait(xid: xid))
        }
        var report = ContextReport()
        report.add("Xid:", "\(xid)", "xid", .int(UInt64(xid)))
        report.add(exit)
        report.emit(ctx)
    }
}
