import SwiftVirt
import VirtContexts
import VirtSystem

#if canImport(Glibc)
import Glibc
#endif

/// `vx-migrate`: running a command inside a live security context, as `vcontext --migrate` does.
enum ContextMigrateCommand {
    /// `vx-migrate <xid> [--init] [--reaper] [--detach] -- <command>...`
    static let migrate = ContextCommands.command(
        "vx-migrate", "run a command inside a security context",
        description: """
            Start <command> (an absolute path and its arguments) inside the running context <xid>
            (vx_migrate): in its namespaces, cgroups and bounding set, under its capabilities and flags.
            By default virtsh stays in the foreground, passing its standard input, output, error and
            environment, and exits with the command's exit code (128 + the signal if a signal ended it).
            With --detach, virtsh prints the xid and the new process's host pid and returns.
            """,
        options: [
            .data("xid", "context id"),
            .flag("init", "the process becomes the context's init (VXM_SET_INIT)"),
            .flag("reaper", "the process reaps its orphaned descendants (VXM_SET_REAPER)"),
            .flag("detach", "return at once, leaving the process running"),
            .argv("command", "the process: an absolute path, then its arguments"),
        ]
    ) { ctx in
        let (xid, process) = try await ctx.vx("vx_migrate") { () throws -> (UInt32, ChildProcess) in
            let context = try ctx.securityContext()
            let flags = ctx.flags([("init", MigrationFlags.setInit), ("reaper", MigrationFlags.setReaper)])
            return (context.xid, try context.migrate(command: ctx.list("command"), flags: flags, environment: CallerEnvironment.entries()))
        }
        var report = ContextReport()
        report.add("Xid:", "\(xid)", "xid", .int(UInt64(xid)))
        report.add("Pid:", "\(process.pid)", "pid", .int(Int64(process.pid)))
        if ctx.flag("detach") { return report.emit(ctx) }
        let status = try await ctx.vx("vx_migrate") { try await process.wait() }
        switch status {
        case .exited(let code):
            report.add(exitCode: code, signal: nil)
            ctx.exitStatus = code
        case .signaled(let signal, _):
            report.add(exitCode: nil, signal: signal)
            ctx.exitStatus = 128 + signal
        case .unavailable:
            report.add(exitCode: nil, signal: nil)
        }
        ctx.result(.object(report.fields))
    }
}
