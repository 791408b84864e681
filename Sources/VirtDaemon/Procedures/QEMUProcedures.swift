import VirtCore
import VirtError
import VirtRPC

/// The QEMU program's calls (`qemu_protocol.x`): monitor and guest-agent passthrough. Drivers
/// without QEMU answer `VIR_ERR_NO_SUPPORT`, as libvirtd's do.
enum QEMUProcedures {
    static let handlers: [QEMUProcedure: ProcedureHandler] = [
        .domainMonitorCommand: .mutation("virDomainQemuMonitorCommand") { (args: QemuDomainMonitorCommandArgs, connection) throws(VirError) in
            let flags = QemuMonitorCommandFlags(rawValue: args.flags)
            return QemuDomainMonitorCommandRet(result: try await connection.domain(args.dom).qemuMonitorCommand(args.cmd, flags: flags))
        },
        // The client's descriptor goes on to QEMU with the command; none comes back.
        .domainMonitorCommandWithFiles: .files("virDomainQemuMonitorCommandWithFiles") {
            (args: QemuDomainMonitorCommandWithFilesArgs, files, connection) throws(VirError) in
            let flags = QemuMonitorCommandFlags(rawValue: args.flags)
            let answer = try await connection.domain(args.dom).qemuMonitorCommandWithFiles(args.cmd, files: files, flags: flags)
            return (QemuDomainMonitorCommandWithFilesRet(result: answer.result), answer.files)
        },
        .domainAgentCommand: .mutation("virDomainQemuAgentCommand") { (args: QemuDomainAgentCommandArgs, connection) throws(VirError) in
            let result = try await connection.domain(args.dom).qemuAgentCommand(args.cmd, timeout: args.timeout, flags: args.flags)
            return QemuDomainAgentCommandRet(result: result)
        },
    ]
}
