import VirtError

/// The flags of `virDomainQemuMonitorCommand` (`virDomainQemuMonitorCommandFlags`).
public struct QemuMonitorCommandFlags: OptionSet, Sendable, Hashable, KnownFlags {
    /// The raw bits, as libvirt passes them.
    public let rawValue: UInt32
    /// Wraps raw bits.
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// `VIR_DOMAIN_QEMU_MONITOR_COMMAND_HMP`: the command is for the human monitor.
    public static let hmp = Self(rawValue: 1)
    /// Every flag libvirt defines.
    public static let known: QemuMonitorCommandFlags = [.hmp]
}

/// What `virDomainQemuMonitorCommandWithFiles` returns: the monitor's answer, and the
/// descriptors that came back with it, which are the caller's to close (QEMU sends none).
public struct QemuMonitorCommandResult: Sendable, Equatable {
    /// The answer, as ``Domain/qemuMonitorCommand(_:flags:)`` returns it.
    public var result: String
    /// The descriptors that came back (`outfiles`).
    public var files: [Int32]

    /// A result.
    public init(result: String, files: [Int32] = []) {
        self.result = result
        self.files = files
    }
}

/// The special timeouts of `virDomainQemuAgentCommand`; a positive value is seconds.
public enum QemuAgentTimeout {
    /// `VIR_DOMAIN_QEMU_AGENT_COMMAND_BLOCK`: wait for the answer however long it takes.
    public static let block: Int32 = -2
    /// `VIR_DOMAIN_QEMU_AGENT_COMMAND_DEFAULT`: the driver's default wait.
    public static let `default`: Int32 = -1
    /// `VIR_DOMAIN_QEMU_AGENT_COMMAND_NOWAIT`: send, and do not wait for an answer.
    public static let noWait: Int32 = 0
}

/// libvirt's QEMU-specific calls (`libvirt-qemu.h`). Drivers other than QEMU's answer
/// `VIR_ERR_NO_SUPPORT`, as libvirt's do.
extension Domain {
    /// Corresponds to `virDomainQemuMonitorCommand`: sends `command` (QMP, or HMP with
    /// ``QemuMonitorCommandFlags/hmp``) to the domain's monitor and returns the answer.
    public func qemuMonitorCommand(_ command: String, flags: QemuMonitorCommandFlags = []) async throws(VirError) -> String {
        try await call("virDomainQemuMonitorCommand", mutating: true) { try await $0.qemuMonitorCommand(identity, command: command, flags: flags) }
    }

    /// Corresponds to `virDomainQemuMonitorCommandWithFiles`: sends `command` as
    /// ``qemuMonitorCommand(_:flags:)`` does, with `files` passed along (`SCM_RIGHTS`), for
    /// QEMU's `getfd` and `add-fd`. The caller's descriptors stay open. QEMU's driver takes at
    /// most one; a connection that cannot pass descriptors refuses them
    /// (`VIR_ERR_ARGUMENT_UNSUPPORTED`).
    public func qemuMonitorCommandWithFiles(_ command: String, files: [Int32], flags: QemuMonitorCommandFlags = []) async throws(VirError) -> QemuMonitorCommandResult {
        try await call("virDomainQemuMonitorCommandWithFiles", mutating: true) {
            try await $0.qemuMonitorCommandWithFiles(identity, command: command, files: files, flags: flags)
        }
    }

    /// Corresponds to `virDomainQemuAgentCommand`: sends `command` to the guest agent and
    /// waits `timeout` (seconds, or a ``QemuAgentTimeout``) for its answer; nil when it was
    /// not waited for.
    public func qemuAgentCommand(_ command: String, timeout: Int32 = QemuAgentTimeout.default, flags: UInt32 = 0) async throws(VirError) -> String? {
        try await call("virDomainQemuAgentCommand", mutating: true) {
            try await $0.qemuAgentCommand(identity, command: command, timeout: timeout, flags: flags)
        }
    }
}
