import JSON
import Synchronization
import VirtError

/// The commands of a monitor (or agent channel) that wait for their replies, by key, and the
/// reason the channel ended, once it has.
final class ReplyWaiters: Sendable {
    typealias Waiter = CheckedContinuation<Result<JSONValue, VirError>, Never>
    private struct State {
        var nextID: UInt64 = 1
        var waiters: [String: Waiter] = [:]
        var ended: VirError?
    }

    private let state = Mutex(State())

    /// A fresh id with `prefix` ("libvirt-1", …), or the reason the channel ended.
    func nextID(prefix: String) throws(VirError) -> String {
        try state.withLock { (state) throws(VirError) -> String in
            if let ended = state.ended { throw ended }
            defer { state.nextID += 1 }
            return "\(prefix)\(state.nextID)"
        }
    }

    /// Why the channel ended, or nil while it lives.
    var ended: VirError? { state.withLock { $0.ended } }

    /// Registers a waiter for the reply under `key`, runs `afterRegistering` (the write, so
    /// that no reply can come before its waiter), and waits for the reply, the channel's end,
    /// or `timeout` (then fails with `timeoutError`).
    func awaitReply(key: String, timeout: Duration?, timeoutError: @autoclosure @escaping @Sendable () -> VirError,
                    afterRegistering: () throws(VirError) -> Void = {}) async throws(VirError) -> JSONValue {
        let timer = timeout.map { timeout in
            Task { [self] in
                try? await Task.sleep(for: timeout)
                guard !Task.isCancelled else { return }
                resume(key, with: .failure(timeoutError()))
            }
        }
        defer { timer?.cancel() }
        let result = await withCheckedContinuation { (waiter: Waiter) in
            let ended = state.withLock { state -> VirError? in
                if let ended = state.ended { return ended }
                state.waiters[key] = waiter
                return nil
            }
            if let ended { return waiter.resume(returning: .failure(ended)) }
            do throws(VirError) {
                try afterRegistering()
            } catch {
                resume(key, with: .failure(error))
            }
        }
        return try result.get()
    }

    /// Gives `result` to the waiter under `key`; false if nobody waits for it (any more).
    @discardableResult
    func resume(_ key: String, with result: Result<JSONValue, VirError>) -> Bool {
        guard let waiter = state.withLock({ $0.waiters.removeValue(forKey: key) }) else { return false }
        waiter.resume(returning: result)
        return true
    }

    /// Fails every waiter with `reason`, and every later wait.
    func end(_ reason: VirError) {
        let waiters = state.withLock { state in
            if state.ended == nil { state.ended = reason }
            defer { state.waiters = [:] }
            return state.waiters.values
        }
        for waiter in waiters { waiter.resume(returning: .failure(reason)) }
    }
}
