import JSON
import VirtCore
import VirtError

extension QEMUDriver {
    /// Corresponds to `virDomainQemuMonitorCommand`: sends `command`, a QMP command object,
    /// and returns QEMU's whole reply (an error reply too), or with
    /// `VIR_DOMAIN_QEMU_MONITOR_COMMAND_HMP` runs a human-monitor command
    /// (`human-monitor-command`) and returns its output. A job like any other: it waits for
    /// the domain's running jobs.
    public func qemuMonitorCommand(_ identity: DomainIdentity, command: String, flags: QemuMonitorCommandFlags) async throws -> String {
        try flags.check(supported: .hmp, function: "qemuDomainQemuMonitorCommand", domain: .qemu)
        let request = flags.contains(.hmp) ? nil : try JSONValue(parsing: command)
        return try await job(identity) { (vm) throws(VirError) -> String in
            guard let request else {
                let output = try await vm.qemu.monitor.execute("human-monitor-command", arguments: .object(["command-line": .string(command)]))
                return output.stringValue ?? ""
            }
            return try await vm.qemu.monitor.passThrough(request).serialized
        }
    }
}
