import VirtRPC

/// Every procedure virtd answers, with its handler: the one place that says which
/// procedures exist and which of them mutate (``ProcedureAccess``). Anything absent gets
/// libvirtd's "unknown procedure", on which clients fall back.
enum ProcedureTable {
    /// The REMOTE program's procedures, gathered from the per-family files.
    static let remote: [RemoteProcedure: ProcedureHandler] = merged([
        ConnectionProcedures.handlers,
        DomainQueryProcedures.handlers,
        DomainLifecycleProcedures.handlers,
        DomainResourceProcedures.handlers,
        SaveRestoreProcedures.handlers,
        SnapshotProcedures.handlers,
        EventProcedures.handlers,
        ConsoleProcedures.handlers,
    ])
    /// The LXC program's procedures.
    static let lxc = LXCProcedures.handlers
    /// The QEMU program's procedures.
    static let qemu = QEMUProcedures.handlers

    /// The handler of `procedure` in `program`, if virtd has one.
    static func handler(program: RPCProgram, procedure: Int32) -> ProcedureHandler? {
        switch program {
        case .remote: RemoteProcedure(rawValue: procedure).flatMap { remote[$0] }
        case .lxc: LXCProcedure(rawValue: procedure).flatMap { lxc[$0] }
        case .qemu: QEMUProcedure(rawValue: procedure).flatMap { qemu[$0] }
        default: nil
        }
    }

    /// Every (program, procedure) virtd answers, for the tests that walk them all.
    static var all: [(program: RPCProgram, procedure: Int32, handler: ProcedureHandler)] {
        remote.map { (RPCProgram.remote, $0.key.rawValue, $0.value) } + lxc.map { (RPCProgram.lxc, $0.key.rawValue, $0.value) }
            + qemu.map { (RPCProgram.qemu, $0.key.rawValue, $0.value) }
    }

    /// The families' tables as one; a procedure listed twice is a programming error.
    private static func merged<Key>(_ families: [[Key: ProcedureHandler]]) -> [Key: ProcedureHandler] {
        families.reduce(into: [:]) { table, family in
            table.merge(family) { _, _ in preconditionFailure("a procedure has two handlers") }
        }
    }
}
