import Foundation
import Testing
import VirtError
@testable import VirtSystem

/// A scratch directory that plays a cgroupfs (or procfs) in tests; removed on deinit.
final class CgroupScratch {
    let root: String

    init() throws {
        root = NSTemporaryDirectory() + "swiftvirt-cgroup-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    /// Creates `files` (relative path → content) and their directories below the root.
    func make(_ files: [String: String]) throws {
        for (path, content) in files {
            let url = URL(fileURLWithPath: root + "/" + path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try content.write(to: url, atomically: false, encoding: .utf8)
        }
    }

    /// Creates the directory `path` (and its parents) below the root.
    func makeDirectory(_ path: String) throws {
        try FileManager.default.createDirectory(atPath: root + "/" + path, withIntermediateDirectories: true)
    }

    /// The content of the file at `path` below the root.
    func read(_ path: String) throws -> String {
        try String(contentsOfFile: root + "/" + path, encoding: .utf8)
    }

    func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: root + "/" + path) }

    /// Writes `text` as a file and returns its absolute path.
    func file(_ name: String, _ text: String) throws -> String {
        try make([name: text])
        return root + "/" + name
    }
}

/// Runs `body` and returns the `VirError` it throws, or records an issue if it does not throw.
func cgroupError(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> VirError? {
    do {
        try body()
        Issue.record("expected a VirError", sourceLocation: sourceLocation)
    } catch let error as VirError {
        return error
    } catch {
        Issue.record("expected a VirError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

/// A `/bin/sleep` child that is killed (if still running) when the test is done with it.
final class CgroupTestSleeper {
    let process = Process()
    var pid: Int32 { process.processIdentifier }

    init() throws {
        process.executableURL = URL(fileURLWithPath: "/bin/sleep")
        process.arguments = ["60"]
        try process.run()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

/// Whether this process runs as root on a host with these cgroup files.
func cgroupTestIsRoot(_ path: String) -> Bool { getuid() == 0 && FileManager.default.fileExists(atPath: path) }

/// A fresh top-level cgroup name for a live test.
func uniqueTestCgroupName() -> String { "swiftvirt-test-\(UInt32.random(in: 0...UInt32.max))" }

/// Runs `body` with a new live cgroup `swiftvirt-test-N/ctx-1` of `controllers`, its path, and
/// a sleeping process, then kills the process and removes the cgroups, whatever `body` did.
func withTestCgroup(_ manager: CgroupManager, _ controllers: Set<CgroupController>,
                    _ body: (Cgroup, CgroupPath, CgroupTestSleeper) throws -> Void) throws {
    let base = try CgroupPath(uniqueTestCgroupName())
    let path = try CgroupPath("\(base)/ctx-1")
    let cgroup = try manager.create(path, controllers: controllers)
    let sleeper = try CgroupTestSleeper()
    defer {
        try? cgroup.thaw()
        kill(sleeper.pid, SIGKILL)
        sleeper.process.waitUntilExit()
        #expect(throws: Never.self) { try manager.cgroup(at: base, controllers: controllers).remove(timeout: .seconds(2)) }
    }
    try body(cgroup, path, sleeper)
}
