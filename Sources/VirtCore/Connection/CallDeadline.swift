/// A deadline for the calls a task makes, where a call can wait on something outside this
/// process: a remote connection's call fails with `VIR_ERR_OPERATION_TIMEOUT` once it
/// passes, instead of waiting for a daemon that stopped answering. Calls answered in
/// process are never slow enough to need one. libvirt has no such setting; its clients ask
/// for it (go-libvirt, libvirt-python).
public enum CallDeadline {
    /// The deadline of the calls the current task makes, if any.
    @TaskLocal public static var current: ContinuousClock.Instant?

    /// Runs `body`, with every call it makes through a remote connection given at most
    /// `timeout` from now (or less, inside an earlier deadline).
    public static func within<T>(_ timeout: Duration, _ body: () async throws -> T) async rethrows -> T {
        let deadline = ContinuousClock.now + timeout
        return try await $current.withValue(min(deadline, current ?? deadline), operation: body)
    }
}
