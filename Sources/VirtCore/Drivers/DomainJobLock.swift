import Synchronization

/// One job at a time on a domain, in the order they asked, as libvirt's domain job
/// condition has it: a job may wait (for QEMU's answer, say) without blocking a thread, and
/// a second call on the same domain waits for it rather than interleaving with it.
public final class DomainJobLock: Sendable {
    private struct State {
        var held = false
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    /// An unheld lock.
    public init() {}

    /// Runs `body` once every earlier job has finished, and lets the next one run after it.
    public func run<R, E: Error>(_ body: () async throws(E) -> R) async throws(E) -> R {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        // Uncontended, the usual case: no suspension (which would cost a trip through the
        // executor, likely to another thread).
        let free = state.withLock { state in
            guard !state.held else { return false }
            state.held = true
            return true
        }
        if free { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let granted = state.withLock { state in
                guard state.held else {
                    state.held = true
                    return true
                }
                state.waiting.append(continuation)
                return false
            }
            if granted { continuation.resume() }
        }
    }

    private func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.waiting.isEmpty else {
                state.held = false
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}
