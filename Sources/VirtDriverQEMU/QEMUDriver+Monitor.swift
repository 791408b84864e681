import JSON
import VirtCore
import VirtError

extension QEMUDriver {
    /// Corresponds to `virDomainQemuMonitorCommand`: sends `command`, a QMP command object,
    /// and returns QEMU's whole reply (an error reply too) in compact JSON, as libvirt
    /// re-serializes it, or with
    /// `VIR_DOMAIN_QEMU_MONITOR_COMMAND_HMP` runs a human-monitor command
    /// (`human-monitor-command`) and returns its output. A job like any other: it waits for
    /// the domain's running jobs.
    public func qemuMonitorCommand(_ identity: DomainIdentity, command: String, flags: QemuMonitorCommandFlags) async throws -> String {
        try await qemuMonitorCommandWithFiles(identity, command: command, files: [], flags: flags).result
    }

    /// Corresponds to `virDomainQemuMonitorCommandWithFiles`: as ``qemuMonitorCommand(_:command:flags:)``,
    /// with at most one descriptor passed to QEMU along with the command (`SCM_RIGHTS`), for
    /// `getfd` or `add-fd`; the caller's copy stays open. Nothing comes back.
    public func qemuMonitorCommandWithFiles(_ identity: DomainIdentity, command: String, files: [Int32], flags: QemuMonitorCommandFlags) async throws
        -> QemuMonitorCommandResult {
        try flags.check(supported: .hmp, function: "qemuDomainQemuMonitorCommandWithFiles", domain: .qemu)
        guard files.count <= 1 else { throw VirError(.operationUnsupported, "at most 1 fd can be passed to qemu along with a command", domain: .qemu) }
        let request = flags.contains(.hmp) ? nil : try JSONValue(parsing: command)
        return try await job(identity) { (vm) throws(VirError) -> QemuMonitorCommandResult in
            guard let request else {
                let arguments = JSONValue.object(["command-line": .string(command)])
                let output = try await vm.qemu.monitor.execute("human-monitor-command", arguments: arguments, passing: files.first)
                return QemuMonitorCommandResult(result: output.stringValue ?? "")
            }
            return QemuMonitorCommandResult(result: try await vm.qemu.monitor.passThrough(request, passing: files.first).serialized)
        }
    }
}

extension QEMUDriver {
    /// Corresponds to `virDomainQemuAgentCommand`: sends `command` to qemu-ga in the guest
    /// over its `org.qemu.guest_agent.0` channel and returns the agent's answer, waiting as
    /// `timeout` says (seconds; `QemuAgentTimeout.block` and `.default` without bound,
    /// `.noWait` not at all, nil then). A guest whose end of the channel is closed, or an
    /// agent that does not answer `guest-sync` within 5 s, is `VIR_ERR_AGENT_UNRESPONSIVE`.
    public func qemuAgentCommand(_ identity: DomainIdentity, command: String, timeout: Int32, flags: UInt32) async throws -> String? {
        guard flags == 0 else { throw VirError(.invalidArg, "qemuDomainQemuAgentCommand: unsupported flags (0x\(String(flags, radix: 16)))", domain: .qemu) }
        let (vm, definition) = try domains.withLock { (domains) throws(VirError) in
            let domain = try domains.find(identity)
            guard let vm = domain.running else { throw VirError(.operationInvalid, "domain is not running", domain: .qemu) }
            return (vm, domain.definition)
        }
        guard let index = definition.devices.channels.firstIndex(where: { $0.targetName == QEMUAgent.channelName }),
              definition.devices.channels[index].type == "unix", let path = definition.devices.channels[index].sourcePath else {
            throw VirError(.argumentUnsupported, "QEMU guest agent is not configured", domain: .qemu)
        }
        let chardevs = try await vm.qemu.monitor.execute("query-chardev").arrayValue ?? []
        guard chardevs.first(where: { $0["label"]?.stringValue == "charchannel\(index)" })?["frontend-open"]?.boolValue == true else {
            throw VirError(.agentUnresponsive, "QEMU guest agent is not connected", domain: .qemu)
        }
        // As libvirt's, the command and the timeout are looked at once the agent is there.
        let request = try JSONValue(parsing: command)
        guard timeout >= QemuAgentTimeout.block else {
            throw VirError(.invalidArg, "guest agent timeout '\(timeout)' is less than VIR_DOMAIN_QEMU_AGENT_COMMAND_BLOCK(-2)", domain: .qemu)
        }
        return try await QEMUAgent.execute(request, socketPath: path, timeout: timeout)
    }
}
