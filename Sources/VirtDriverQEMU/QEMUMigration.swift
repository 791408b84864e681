import JSON
import QMP
import VirtCore
import VirtError

/// QEMU's migration, as save and restore use it: the VM state streamed to or from a file.
extension QEMUProcess {
    /// The bandwidth a save may use, in bytes per second: QEMU's default of 128 MiB/s made
    /// saving a 256 MiB guest six times slower here.
    static let saveBandwidth: UInt64 = 1 << 40

    /// Streams the VM state to `descriptor`, from its offset on (`getfd`, then `migrate` to
    /// `fd:`), with the bandwidth raised, and returns once QEMU has written it all.
    func migrate(to descriptor: Int32, progress: @Sendable (DomainJobInfo) -> Void) async throws(VirError) {
        _ = try await monitor.execute("migrate-set-parameters", arguments: .object([("max-bandwidth", .int(Self.saveBandwidth))]))
        _ = try await monitor.execute("getfd", arguments: .object([("fdname", .string("migrate"))]), passing: descriptor)
        _ = try await monitor.execute("migrate", arguments: .object([("uri", .string("fd:migrate"))]))
        try await waitForMigration(progress: progress)
    }

    /// Follows the migration under way (`query-migrate`) until it completes, reporting its
    /// progress; its failure is the error.
    func waitForMigration(progress: @Sendable (DomainJobInfo) -> Void = { _ in }) async throws(VirError) {
        var pause = Duration.milliseconds(1)
        while true {
            let state = try await monitor.execute("query-migrate")
            let ram = state["ram"]
            let info = DomainJobInfo(elapsed: state["total-time"]?.uint64Value ?? 0, memoryProcessed: ram?["transferred"]?.uint64Value ?? 0,
                                     memoryRemaining: ram?["remaining"]?.uint64Value ?? 0, memoryTotal: ram?["total"]?.uint64Value ?? 0)
            switch state["status"]?.stringValue {
            case "completed":
                return
            case "failed", "cancelled":
                let reason = state["error-desc"]?.stringValue ?? state["status"]?.stringValue ?? ""
                throw VirError(.operationFailed, "migration of the VM state failed: \(reason)", domain: .qemu)
            case nil where state.members?.isEmpty ?? true:
                break  // an incoming migration not yet begun
            default:
                progress(info)
            }
            try? await Task.sleep(for: pause)
            pause = min(pause * 2, .milliseconds(50))
        }
    }
}
