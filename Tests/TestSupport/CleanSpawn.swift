import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where a spawned child's stdout and stderr go.
public enum ChildOutput {
    /// Both into this file, created or truncated.
    case file(String)
    /// Both onto this descriptor (a pipe's write end, say).
    case descriptor(Int32)
    /// Each into its own file, created or truncated.
    case files(stdout: String, stderr: String)
    /// stdin, stdout and stderr all on this terminal (a pty's follower end), for programs
    /// that insist on one, such as `virsh console`.
    case terminal(Int32)
}

/// A failure to start a child.
public struct SpawnFailure: Error, CustomStringConvertible {
    /// What went wrong.
    public let description: String
    /// A failure described by `description`.
    public init(description: String) { self.description = description }
}

/// Starts `path` with `argv` by `posix_spawn`: stdin from /dev/null (or the terminal),
/// stdout and stderr to `output`, no descriptor of the test runner, and an empty signal mask with default
/// dispositions. Foundation's `Process` lets the child inherit the runner's blocked signals:
/// virsh's `save` job watcher then never finishes, and SIGTERM does not stop libvirtd.
public func spawnWithCleanSignals(_ path: String, _ argv: [String], env: [String: String] = ProcessInfo.processInfo.environment,
                                  output: ChildOutput) throws -> pid_t {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    switch output {
    case .file(let file): posix_spawn_file_actions_addopen(&actions, 1, file, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    case .descriptor(let descriptor): posix_spawn_file_actions_adddup2(&actions, descriptor, 1)
    case .files(let stdout, _): posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    case .terminal(let terminal):
        posix_spawn_file_actions_adddup2(&actions, terminal, 0)
        posix_spawn_file_actions_adddup2(&actions, terminal, 1)
    }
    if case .files(_, let stderr) = output {
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    } else {
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
    }
    // Closing a descriptor that is not open is no error for posix_spawn.
    let openDescriptors = ((try? FileManager.default.contentsOfDirectory(atPath: "/dev/fd")) ?? []).compactMap { Int32($0) }
    for descriptor in 3...((openDescriptors.max() ?? 255) + 64) { posix_spawn_file_actions_addclose(&actions, descriptor) }

    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var empty = sigset_t()
    sigemptyset(&empty)
    var all = sigset_t()
    sigfillset(&all)
    posix_spawnattr_setsigmask(&attributes, &empty)
    posix_spawnattr_setsigdefault(&attributes, &all)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

    let cArguments = argv.map { strdup($0) } + [nil]
    let cEnvironment = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
        cArguments.forEach { free($0) }
        cEnvironment.forEach { free($0) }
    }
    var pid: pid_t = 0
    let result = posix_spawn(&pid, path, &actions, &attributes, cArguments, cEnvironment)
    guard result == 0 else { throw SpawnFailure(description: "cannot start \(path): \(String(cString: strerror(result)))") }
    return pid
}

/// Waits for child `pid`, killing it once `timeout` has passed; its shell-style status
/// (the exit code, or 128 + the signal).
public func waitForChild(_ pid: pid_t, timeout: Duration = .seconds(60)) -> Int32 {
    let deadline = ContinuousClock.now + timeout
    var status: Int32 = 0
    while waitpid(pid, &status, WNOHANG) == 0 {
        if ContinuousClock.now > deadline { kill(pid, SIGKILL) }
        usleep(2000)
    }
    return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
}
