import JSON
import SwiftVirt

/// Commands about the connection and the host: `uri`, `version`, `hostname`, `nodeinfo`,
/// `capabilities`.
enum HostCommands {
    static let all: [Command] = [uri, version, hostname, nodeinfo, capabilities]

    /// `uri`
    static let uri = Command(CommandSpec("uri", "print the hypervisor canonical URI")) { ctx in
        let uri = try await ctx.connection().uriString()
        ctx.print(uri + "\n")
        ctx.result(.object([("uri", .string(uri))]))
    }

    /// `version [--daemon]`
    static let version = Command(CommandSpec(
        "version", "show version", description: "Display the system version information.",
        options: [.flag("daemon", "report daemon version too")]
    )) { ctx in
        let connection = try await ctx.connection()
        let library = LibraryVersion.format(try await connection.libraryVersion())
        let type = try await connection.hypervisorType()
        let hypervisor = LibraryVersion.format(try await connection.hypervisorVersion())
        var text = """
            Compiled against library: libvirt \(Usage.versionNumber)
            Using library: libvirt \(library)
            Using API: \(type) \(library)
            Running hypervisor: \(type) \(hypervisor)

            """
        var fields: [(String, JSONValue)] = [
            ("compiledAgainst", .string(Usage.versionNumber)),
            ("library", .string(library)),
            ("hypervisorType", .string(type)),
            ("hypervisor", .string(hypervisor)),
        ]
        if ctx.flag("daemon") {
            text += "Running against daemon: \(library)\n"
            fields.append(("daemon", .string(library)))
        }
        ctx.print(text)
        ctx.result(.object(fields))
    }

    /// `hostname`
    static let hostname = Command(CommandSpec("hostname", "print the hypervisor hostname")) { ctx in
        let name = try await ctx.connection().hostname()
        ctx.print(name + "\n")
        ctx.result(.object([("hostname", .string(name))]))
    }

    /// `nodeinfo`
    static let nodeinfo = Command(CommandSpec(
        "nodeinfo", "node information", description: "Returns basic information about the node."
    )) { ctx in
        let info = try await VirshError.context("failed to get node information") { try await ctx.connection().nodeInfo() }
        var lines = KeyValueList(width: 20)
        lines.add("CPU model:", info.model)
        lines.add("CPU(s):", "\(info.cpus)")
        lines.add("CPU frequency:", "\(info.mhz) MHz")
        lines.add("CPU socket(s):", "\(info.sockets)")
        lines.add("Core(s) per socket:", "\(info.cores)")
        lines.add("Thread(s) per core:", "\(info.threads)")
        lines.add("NUMA cell(s):", "\(info.nodes)")
        lines.add("Memory size:", "\(info.memory) KiB")
        ctx.print(lines.rendered)
        ctx.result(.object([
            ("model", .string(info.model)),
            ("cpus", .int(UInt64(info.cpus))),
            ("mhz", .int(UInt64(info.mhz))),
            ("sockets", .int(UInt64(info.sockets))),
            ("coresPerSocket", .int(UInt64(info.cores))),
            ("threadsPerCore", .int(UInt64(info.threads))),
            ("numaCells", .int(UInt64(info.nodes))),
            ("memoryKiB", .int(info.memory)),
        ]))
    }

    /// `capabilities`
    static let capabilities = Command(CommandSpec(
        "capabilities", "capabilities", description: "Returns capabilities of hypervisor/driver."
    )) { ctx in
        let xml = try await VirshError.context("failed to get capabilities") { try await ctx.connection().capabilities() }
        ctx.print(xml + "\n")
        ctx.result(.object([("xml", .string(xml))]))
    }
}
