import Foundation
import TestSupport
import Testing

/// A network namespace of the test's own, held by a `sleep` it started (ended afterwards):
/// the peer a container's interface talks to.
final class PeerNamespace {
    private let holder = Process()
    var pid: Int32 { holder.processIdentifier }

    init() throws {
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        holder.arguments = ["--net", "/bin/sleep", "600"]
        try holder.run()
        // unshare execs sleep once the namespace exists.
        for _ in 0..<200 where (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) != "sleep\n" {
            usleep(5000)
        }
    }

    /// Moves the host's link `name` in here.
    func adopt(_ name: String) throws {
        try #require(try runTool(["/usr/sbin/ip", "link", "set", name, "netns", "\(pid)"]).status == 0)
    }

    /// Runs `arguments` in this namespace.
    @discardableResult
    func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try runTool(["/usr/bin/nsenter", "-t", "\(pid)", "-n", "--"] + arguments)
    }

    deinit {
        // SIGKILL: the holder inherited this process's blocked signals, SIGTERM among them.
        kill(pid, SIGKILL)
        holder.waitUntilExit()
    }
}
