import VirtError
import VirtSystem

/// A context just created, with its first process as the creator's child.
public struct RunningContext: Sendable {
    /// The context.
    public let context: Context
    /// Its first process (the creator's child): the command itself, or swiftvirt-init for a
    /// persistent context.
    public let initProcess: ChildProcess

    /// Corresponds to `vx_wait`, for the creator: reaps the first process, which gives its
    /// end at once (without waiting for the keeper to record it), then waits for the rest of
    /// the context like ``Context/wait()``.
    public func wait() async throws(VirError) -> ContextExit {
        let status = try await initProcess.wait()
        return try await context.wait(firstProcessEnded: status)
    }
}
