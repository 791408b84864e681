import Glibc
import Testing
import VirtError
@testable import VirtSystem

/// Spawning needs root (namespaces, mounts, capabilities).
let isRoot = getuid() == 0
/// The reason root-only tests give when they are skipped.
let needsRoot: Comment = "needs root: spawns into new namespaces"

/// What a finished child printed, and how it ended.
struct Finished {
    var status: VirtSystem.ExitStatus
    var output: String
    var errors: String
}

/// A pipe whose ends are closed when it goes away.
final class Pipe {
    let read: Int32
    let write: Int32
    private(set) var writeOpen = true

    init() throws {
        var fds: [Int32] = [0, 0]
        try Syscall.call("pipe") { pipe(&fds) }
        read = fds[0]
        write = fds[1]
        _ = fcntl(read, F_SETFD, FD_CLOEXEC)
        _ = fcntl(write, F_SETFD, FD_CLOEXEC)
    }

    func closeWrite() {
        if writeOpen { close(write) }
        writeOpen = false
    }

    /// Everything until end of file (all write ends closed).
    func readAll() throws -> String {
        closeWrite()
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = try Syscall.call("read pipe") { chunk.withUnsafeMutableBytes { Glibc.read(read, $0.baseAddress, $0.count) } }
            if count == 0 { return String(decoding: bytes, as: UTF8.self) }
            bytes += chunk[0..<count]
        }
    }

    deinit {
        closeWrite()
        close(read)
    }
}

/// Runs `plan` with stdout and stderr captured, and waits for it.
func run(_ plan: SpawnPlan) async throws -> Finished {
    let output = try Pipe(), errors = try Pipe()
    var plan = plan
    plan.descriptors[1] = output.write
    plan.descriptors[2] = errors.write
    let child = try Spawner.spawn(plan)
    output.closeWrite()
    errors.closeWrite()
    let status = try await child.wait()
    return Finished(status: status, output: try output.readAll(), errors: try errors.readAll())
}

/// A plan for `/bin/sh -c script`.
func shell(_ script: String, namespaces: NamespaceSet = []) -> SpawnPlan {
    var plan = SpawnPlan(path: "/bin/sh", "-c", script)
    plan.environment = ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"]
    plan.namespaces = namespaces
    return plan
}

/// The host name of this (the test's) UTS namespace.
func hostName() -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    gethostname(&buffer, buffer.count)
    return string(fromCBuffer: buffer)
}

/// The text of a NUL-terminated C buffer.
func string(fromCBuffer buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
