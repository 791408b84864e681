import Foundation
import TestSupport
import Testing
import VirtError
import VirtSystem
@testable import VirtContexts

/// Whether the real-kernel tests can run: they need root (namespaces, cgroups) and the
/// cgroup v1 or v2 controllers the contexts use.
let canCreateContexts = getuid() == 0 && FileManager.default.fileExists(atPath: "/proc/self/ns/pid")

/// A context system on a private run directory, removed afterwards with every context in it.
final class ContextSandbox: @unchecked Sendable {
    let root: String
    let system: ContextSystem
    private var created: [UInt32] = []

    init() throws {
        root = ContextSystem.runBase + "/test-\(UUID().uuidString)"
        system = try ContextSystem(root: root)
    }

    /// A fresh xid nobody else uses (``TestXIDs``).
    func freshXID() -> UInt32 {
        let xid = TestXIDs.fresh()
        created.append(xid)
        return xid
    }

    /// Runs `command` in a new context and returns its standard output and end.
    func run(_ command: [String], options: ContextOptions = ContextOptions()) async throws -> (output: String, exit: ContextExit, xid: UInt32) {
        let xid = freshXID()
        let pipe = Pipe()
        var options = options
        options.descriptors = [0: 0, 1: pipe.fileHandleForWriting.fileDescriptor, 2: pipe.fileHandleForWriting.fileDescriptor]
        let running = try system.create(xid: xid, command: command, options: options)
        try pipe.fileHandleForWriting.close()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let exit = try await running.context.wait()
        return (output, exit, xid)
    }

    /// Starts `command` in a new context under a dynamic xid (VX_DYNAMIC_ID).
    func startDynamic(_ command: [String]) throws -> RunningContext {
        let running = try system.create(command: command)
        created.append(running.context.xid)
        return running
    }

    /// Starts `command` in a new context (under `xid`, else a fresh one) and leaves it running.
    func start(_ command: [String], xid: UInt32? = nil, options: ContextOptions = ContextOptions()) throws -> RunningContext {
        let xid = xid ?? freshXID()
        if !created.contains(xid) { created.append(xid) }
        return try system.create(xid: xid, command: command, options: options)
    }

    deinit {
        for xid in created {
            if let context = try? system.context(xid) { try? context.kill(pid: 0, signal: SIGKILL) }
        }
        for xid in created {
            for _ in 0..<100 where (try? system.context(xid)) != nil { usleep(10_000) }
            if let path = try? ContextSystem.cgroupPath(xid) {
                try? system.cgroups.cgroup(at: path, controllers: ContextSystem.allControllers.intersection(system.cgroups.layout.placements.keys)).remove()
            }
        }
        system.removeRoot()
    }
}

/// Asserts that `body` throws a VirError with `code`.
func expectContextError(_ code: ErrorCode, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("expected \(code), but it succeeded", sourceLocation: sourceLocation)
    } catch let error as VirError {
        #expect(error.code == code, "\(error.message)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
    }
}
