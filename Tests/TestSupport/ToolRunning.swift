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
