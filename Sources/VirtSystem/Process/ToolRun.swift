import CVirtShim
import Glibc
import VirtError

/// Runs a host tool (such as `qemu-img`) to the end and keeps what it printed: its standard
/// output and error go to one file in memory, read once it has exited, so that a chatty
/// tool can never block on a full pipe.
public enum ToolRun {
    /// What a finished tool left: how it ended, and its output and error, interleaved.
    public struct Outcome: Sendable {
        /// How it ended.
        public var status: ExitStatus
        /// Standard output and error, as written.
        public var output: String
    }

    /// Runs `arguments` (the program's path first), with no input.
    public static func run(_ arguments: [String], domain: ErrorDomain) async throws(VirError) -> Outcome {
        let output = cvs_memfd("tool-output")
        guard output >= 0 else { throw Syscall.error("memfd_create for \(arguments[0])", errno: errno, domain: domain) }
        defer { close(output) }
        let null = open("/dev/null", O_RDONLY | O_CLOEXEC)
        defer { if null >= 0 { close(null) } }
        var plan = SpawnPlan(.path(arguments[0]), arguments: arguments)
        plan.descriptors = [0: null, 1: output, 2: output]
        let status = try await Spawner.spawn(plan).wait()
        var text: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        var offset: off_t = 0
        while true {
            let count = chunk.withUnsafeMutableBytes { pread(output, $0.baseAddress, $0.count, offset) }
            guard count > 0 else { break }
            text += chunk[..<count]
            offset += off_t(count)
        }
        return Outcome(status: status, output: String(decoding: text, as: UTF8.self))
    }
}
