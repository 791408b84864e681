import Foundation

/// Runs `arguments[0]` (a path) with the rest as arguments, with clean signals
/// (``spawnWithCleanSignals(_:_:env:output:)``), killed after `timeout`; its status and
/// output (both streams).
@discardableResult
public func runTool(_ arguments: [String], timeout: Duration = .seconds(60)) throws -> (status: Int32, output: String) {
    let outputFile = FileManager.default.temporaryDirectory.appendingPathComponent("swiftvirt-tool-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: outputFile) }
    let pid = try spawnWithCleanSignals(arguments[0], arguments, output: .file(outputFile))
    let status = waitForChild(pid, timeout: timeout)
    return (status, String(decoding: FileManager.default.contents(atPath: outputFile) ?? Data(), as: UTF8.self))
}

/// Runs `body`, which blocks (on a socket, a process, a daemon's start), on a thread of its
/// own rather than on one of the Swift concurrency pool's few threads, which other tests
/// need meanwhile.
public func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}
