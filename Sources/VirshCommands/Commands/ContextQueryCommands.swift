import JSON
import SwiftVirt
import VirtContexts

/// Looking at security contexts: `vx-list`, `vx-info`, `vx-stat` and `vx-task-xid`.
enum ContextQueryCommands {
    static let all: [Command] = [list, info, stat, taskXID]

    /// `vx-list`
    static let list = ContextCommands.command(
        "vx-list", "list security contexts",
        description: "List the live security contexts: xid, the host pid of the init, the name (VHIN_CONTEXT) and the number of processes.",
        options: []
    ) { ctx in
        let rows = try await ContextCommands.call("vx_list") { () throws -> [(Context, Int?)] in
            let system = try ctx.contextSystem()
            return system.list().compactMap { xid in
                (try? system.context(xid)).map { ($0, try? $0.stat().tasks) }
            }
        }
        var table = Table(headers: ["Xid", "Init pid", "Name", "Tasks"])
        var documents: [JSONValue] = []
        for (context, tasks) in rows {
            let (xid, initPID) = context.info()
            let name = context.uname(.context)
            table.rows.append(["\(xid)", "\(initPID)", name, tasks.map { "\($0)" } ?? "-"])
            documents.append(.object([
                ("xid", .int(UInt64(xid))), ("initPid", .int(Int64(initPID))), ("name", .string(name)),
                ("tasks", tasks.map { .int(Int64($0)) } ?? .null),
            ]))
        }
        ctx.print(table)
        ctx.result(.array(documents))
    }

    /// `vx-info <xid>`
    static let info = ContextCommands.command(
        "vx-info", "security context information",
        description: "Print the xid of context <xid> and the host pid of its init (vx_info).",
        options: [.data("xid", "context id")]
    ) { ctx in
        try await ctx.vx("vx_info") { ContextReport.info(try ctx.securityContext()) }.emit(ctx)
    }

    /// `vx-stat <xid>`
    static let stat = ContextCommands.command(
        "vx-stat", "security context statistics",
        description: "Print the statistics of context <xid> (every field of vx_stat).",
        options: [.data("xid", "context id")]
    ) { ctx in
        let (xid, stat) = try await ctx.vx("vx_stat") { () throws -> (UInt32, ContextStat) in
            let context = try ctx.securityContext()
            return (context.xid, try context.stat())
        }
        var report = ContextReport()
        report.add("Xid:", "\(xid)", "xid", .int(UInt64(xid)))
        for (label, key, value) in [("Usecnt:", "usecnt", stat.usecnt), ("Tasks:", "tasks", stat.tasks),
                                    ("Threads:", "threads", stat.threads), ("Running:", "running", stat.running),
                                    ("Uninterruptible:", "uninterruptible", stat.uninterruptible),
                                    ("On hold:", "onHold", stat.onHold), ("Forks:", "forks", stat.forks)] {
            report.add(label, "\(value)", key, .int(Int64(value)))
        }
        report.add("Load:", stat.load.map(String.init).joined(separator: " "), "load", .array(stat.load.map { .int(Int64($0)) }))
        report.add("Offset:", "\(stat.offset) ns", "offsetNs", .int(stat.offset))
        report.add("Uptime:", Seconds.tenths(stat.uptime), "uptimeNs", .int(stat.uptime))
        report.emit(ctx)
    }

    /// `vx-task-xid <pid>`
    static let taskXID = ContextCommands.command(
        "vx-task-xid", "the security context of a process",
        description: "Print the xid of the context process <pid> (a host pid) belongs to, 0 for the host (vx_task_xid).",
        options: [.data("pid", "host process id")]
    ) { ctx in
        let (pid, xid) = try await ctx.vx("vx_task_xid", argument: "pid") { () throws -> (Int32, UInt32) in
            let text = try ctx.required("pid")
            guard let pid = Int32(text) else { throw VirError.invalidArg("invalid process id '\(text)'", domain: .none) }
            return (pid, try ctx.contextSystem().taskXID(pid: pid))
        }
        ctx.print("\(xid)\n")
        ctx.result(.object([("pid", .int(Int64(pid))), ("xid", .int(UInt64(xid)))]))
    }
}
