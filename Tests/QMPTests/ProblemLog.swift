import Synchronization

/// What a scripted peer found wrong, for the test to check at its end.
final class ProblemLog: Sendable {
    private let entries = Mutex<[String]>([])

    func add(_ problem: String) { entries.withLock { $0.append(problem) } }

    var all: [String] { entries.withLock { $0 } }
}
