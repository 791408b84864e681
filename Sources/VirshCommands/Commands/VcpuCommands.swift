import JSON
import SwiftVirt

/// Virtual CPU commands: `setvcpus`, `vcpucount`, `vcpuinfo`, `vcpupin`.
enum VcpuCommands {
    static let all: [Command] = [setvcpus, vcpucount, vcpuinfo, vcpupin]

    /// `setvcpus <domain> <count> [--maximum] [--config] [--live] [--current] [--guest] [--hotpluggable]`
    static let setvcpus = Command(CommandSpec(
        "setvcpus", "change number of virtual CPUs", description: "Change the number of virtual CPUs in the guest domain.",
        options: [
            .domain(),
            .int("count", required: true, "number of virtual CPUs"),
            .flag("maximum", "set maximum limit on next boot"),
        ] + OptionSpec.impact + [
            .flag("guest", "modify cpu state in the guest"),
            .flag("hotpluggable", "make added vcpus hot(un)pluggable"),
        ]
    )) { ctx in
        try ctx.exclusive("current", "live")
        try ctx.exclusive("current", "config")
        try ctx.requires("maximum", "config")
        let bits: [(String, VcpuFlags)] = [
            ("config", .config), ("live", .live), ("maximum", .maximum), ("guest", .guest), ("hotpluggable", .hotpluggable),
        ]
        var flags = ctx.flags(bits)
        if flags.isEmpty && !ctx.flag("current") { flags = .live }
        let domain = try await ctx.domain()
        let count = try ctx.unsigned("count", in: 0...UInt64(Int32.max)) ?? 0
        if count == 0 && !flags.contains(.guest) { throw VirshError("Can't set 0 processors for a VM") }
        try await VirshError.context(nil) { try await domain.setVcpus(UInt32(count), flags: flags) }
        ctx.result(DomainReport.json(domain, action: "setvcpus", extra: [("count", .int(count))]))
    }

    /// `vcpucount <domain> [--maximum] [--active] [--live] [--config] [--current] [--guest]`
    static let vcpucount = Command(CommandSpec(
        "vcpucount", "domain vcpu counts", description: "Returns the number of virtual CPUs used by the domain.",
        options: [
            .domain(),
            .flag("maximum", "get maximum count of vcpus"),
            .flag("active", "get number of currently active vcpus"),
            .flag("live", "get value from running domain"),
            .flag("config", "get value to be used on next boot"),
            .flag("current", "get value according to current domain state"),
            .flag("guest", "retrieve vcpu count from the guest instead of the hypervisor"),
        ]
    )) { ctx in
        try ctx.exclusive("current", "live")
        try ctx.exclusive("current", "config")
        try ctx.exclusive("active", "maximum")
        try ctx.exclusive("guest", "config")
        let domain = try await ctx.domain()
        let selectors = ["maximum", "active", "live", "config", "current", "guest"]
        guard selectors.contains(where: ctx.flag) else {
            var lines = ""
            var counts: [(String, JSONValue)] = []
            var lastError: (any Error)?
            for (which, whichFlag) in [("maximum", VcpuFlags.maximum), ("current", [])] {
                for (state, stateFlag) in [("config", VcpuFlags.config), ("live", .live)] {
                    do {
                        let count = try await domain.vcpuCount(flags: whichFlag.union(stateFlag))
                        lines += "\(which.padded(to: 12)) \(state.padded(to: 12)) \(String(count).leftPadded(to: 3))\n"
                        counts.append(("\(which)\(state.capitalizedFirst)", .int(UInt64(count))))
                    } catch {
                        lastError = error
                    }
                }
            }
            if counts.isEmpty, let lastError { throw lastError }
            ctx.print(lines)
            ctx.result(.object(counts))
            return
        }
        let bits: [(String, VcpuFlags)] = [("maximum", .maximum), ("live", .live), ("config", .config), ("guest", .guest)]
        let flags = ctx.flags(bits)
        let count = try await VirshError.context(nil) { try await domain.vcpuCount(flags: flags) }
        ctx.print("\(count)\n")
        ctx.result(.object([("count", .int(UInt64(count)))]))
    }

    /// `vcpuinfo <domain> [--pretty]`
    static let vcpuinfo = Command(CommandSpec(
        "vcpuinfo", "detailed domain vcpu information",
        description: "Returns basic information about the domain virtual CPUs.",
        options: [.domain(), .flag("pretty", "return human readable output")]
    )) { ctx in
        let domain = try await ctx.domain()
        let hostCPUs = try await VirshError.context(nil) { try await ctx.connection().nodeCPUMap().cpus }
        let mapLength = CPUMap.length(forCPUs: hostCPUs)
        let info = try await VirshError.context(nil) { try await domain.info() }
        var records: [(vcpu: UInt32, live: VcpuInfo?, affinity: CPUMap)]
        do {
            records = try await domain.vcpus(maxInfo: max(Int(info.virtualCPUs), 1), mapLength: mapLength)
                .map { ($0.number, $0, $0.affinity) }
        } catch {
            guard info.state == .shutoff else { throw error }
            let maps = try await domain.vcpuPinInfo(flags: .config)
            records = maps.prefix(Int(info.virtualCPUs)).enumerated().map { (UInt32($0.offset), nil, $0.element.resized(to: mapLength)) }
        }
        var blocks: [String] = []
        var json: [JSONValue] = []
        for record in records {
            var lines = KeyValueList(width: 15)
            lines.add("VCPU:", "\(record.vcpu)")
            if let live = record.live {
                lines.add("CPU:", "\(live.cpu)")
                lines.add("State:", vcpuState(live.state))
                if live.cpuTime != 0 { lines.add("CPU time:", Seconds.tenths(live.cpuTime)) }
            } else {
                lines.add("CPU:", "N/A")
                lines.add("State:", "N/A")
                lines.add("CPU time", "N/A")
            }
            let cpus = (0..<hostCPUs).filter(record.affinity.isUsable)
            let affinity = ctx.flag("pretty")
                ? "\(CPUMap.format(cpus)) (out of \(hostCPUs))"
                : String((0..<hostCPUs).map { record.affinity.isUsable($0) ? "y" : "-" })
            lines.add("CPU Affinity:", affinity)
            blocks.append(lines.rendered)
            json.append(.object([
                ("vcpu", .int(UInt64(record.vcpu))),
                ("cpu", record.live.map { .int(Int64($0.cpu)) } ?? .null),
                ("state", record.live.map { .string(vcpuState($0.state)) } ?? .null),
                ("cpuTimeNs", record.live.map { .int($0.cpuTime) } ?? .null),
                ("affinity", .string(CPUMap.format(cpus))),
            ]))
        }
        ctx.print(blocks.joined(separator: "\n"))
        ctx.result(.array(json))
    }

    private static func vcpuState(_ state: VcpuState) -> String {
        switch state {
        case .offline: "offline"
        case .running: "running"
        case .blocked: "idle"
        }
    }

    /// `vcpupin <domain> [--vcpu N] [--cpulist LIST] [--config] [--live] [--current]`
    static let vcpupin = Command(CommandSpec(
        "vcpupin", "control or query domain vcpu affinity", description: "Pin domain VCPUs to host physical CPUs.",
        options: [
            .domain(),
            .int("vcpu", "vcpu number"),
            .string("cpulist", "host cpu number(s) to set, or omit option to query"),
        ] + OptionSpec.impact
    )) { ctx in
        try ctx.exclusive("current", "live")
        try ctx.exclusive("current", "config")
        var flags: ModificationImpact = []
        if ctx.flag("config") { flags.insert(.config) }
        if ctx.flag("live") { flags.insert(.live) }
        let domain = try await ctx.domain()
        let vcpu = try ctx.unsigned("vcpu", in: 0...UInt64(Int32.max))
        let hostCPUs = try await VirshError.context(nil) { try await ctx.connection().nodeCPUMap().cpus }
        guard let cpulist = try ctx.string("cpulist", allowEmpty: true) else {
            try await queryPins(ctx, domain, vcpu: vcpu, flags: flags, hostCPUs: hostCPUs)
            return
        }
        guard let vcpu else { throw VirshError("vcpupin: Missing vCPU number in pin mode.") }
        var map: CPUMap
        if cpulist == "r" {
            map = CPUMap.all(hostCPUs)
        } else {
            guard let parsed = CPUMap.parse(cpulist, limit: Int(Int32.max)) else {
                throw VirshError("Invalid cpulist '\(cpulist)'", VirError(.invalidArg, "Failed to parse bitmap '\(cpulist)'"))
            }
            map = parsed
        }
        if let last = map.cpus.last, last >= hostCPUs {
            throw VirshError("CPU \(last) in cpulist '\(cpulist)' exceed the maxcpu \(hostCPUs)")
        }
        map = map.resized(to: CPUMap.length(forCPUs: hostCPUs))
        try await VirshError.context(nil) { try await domain.pinVcpu(UInt32(vcpu), cpumap: map, flags: flags) }
        ctx.result(.object([("vcpu", .int(vcpu)), ("affinity", .string(map.description))]))
    }

    /// The query form of `vcpupin`: a table of each vcpu's affinity.
    private static func queryPins(
        _ ctx: CommandContext, _ domain: Domain, vcpu: UInt64?, flags: ModificationImpact, hostCPUs: Int
    ) async throws {
        let maps = try await VirshError.context(nil) { try await domain.vcpuPinInfo(flags: flags) }
        if let vcpu, vcpu >= UInt64(maps.count) {
            let active = try await VirshError.context(nil) { try await domain.isActive() }
            let live = flags.contains(.live) || (!flags.contains(.config) && active)
            throw VirshError("vcpu \(vcpu) is out of range of \(live ? "live" : "persistent") cpu count \(maps.count)")
        }
        var table = Table(headers: ["VCPU", "CPU Affinity"])
        var json: [JSONValue] = []
        for (index, map) in maps.enumerated() where vcpu == nil || UInt64(index) == vcpu {
            let text = CPUMap.format(map.cpus.filter { $0 < hostCPUs })
            table.rows.append(["\(index)", text])
            json.append(.object([("vcpu", .int(UInt64(index))), ("affinity", .string(text))]))
        }
        ctx.print(table)
        ctx.result(.array(json))
    }
}

extension String {
    /// Right-justified in `width` columns, like `%Nd`.
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }

    /// The string with its first letter upper-cased.
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
