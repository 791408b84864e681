import Synchronization

/// Lines a scripted peer notes down on its thread, for the test to check at its end: what it
/// found wrong, or the commands it read.
final class StringLog: Sendable {
    private let entries = Mutex<[String]>([])

    func add(_ entry: String) { entries.withLock { $0.append(entry) } }

    var all: [String] { entries.withLock { $0 } }
}
