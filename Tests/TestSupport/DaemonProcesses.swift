import Foundation
import Glibc
import Synchronization
import VirtSystem

/// A daemon a test needs could not be started.
public struct DaemonUnavailable: Error, CustomStringConvertible {
    /// Why.
    public let description: String
    /// A failure described by `description`.
    public init(_ description: String) { self.description = description }
}

/// The executable `name` built next to the test binary (or in a directory above it):
/// virtd, virtsh.
public func builtExecutable(_ name: String) -> String? {
    let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    var directory = URL(fileURLWithPath: executable).deletingLastPathComponent()
    for _ in 0..<4 {
        let candidate = directory.appendingPathComponent(name).path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        directory = directory.deletingLastPathComponent()
    }
    return nil
}

/// Waits until the socket at `path` accepts connections while the child `pid` runs, up to
/// `timeout`; kills and reaps the child and throws if it does not.
private func awaitSocket(_ path: String, of pid: pid_t, name: String, timeout: Duration) throws {
    let deadline = ContinuousClock.now + timeout
    var status: Int32 = 0
    // Connecting, not the socket file: a daemon can make the file before it listens.
    while (try? StreamSocket.connect(to: path))?.close() == nil {
        if waitpid(pid, &status, WNOHANG) == pid { throw DaemonUnavailable("\(name) exited before making its socket") }
        guard ContinuousClock.now < deadline else {
            kill(pid, SIGKILL)
            _ = waitForChild(pid)
            throw DaemonUnavailable("\(name) made no socket within \(timeout)")
        }
        usleep(2000)
    }
}

/// A virtd of the test's own (the one built next to the tests), on sockets of a temporary
/// directory, started with clean signals; stopped with SIGTERM when released.
public final class VirtdProcess: @unchecked Sendable {
    /// Where its sockets are.
    public let directory: String
    /// Its pid.
    public let pid: pid_t
    /// The read-write socket.
    public var socket: String { directory + "/sock" }
    /// The read-only socket.
    public var readOnlySocket: String { directory + "/sock-ro" }
    private let stopped = Atomic(false)

    /// Starts virtd with `options` beside its socket options, in `directory` (made if
    /// needed; left in place for the caller, unless virtd fails to start).
    public init(directory: String, options: [String] = []) throws {
        guard let virtd = builtExecutable("virtd") else {
            throw DaemonUnavailable("virtd is not built next to the tests (swift build --build-tests builds it)")
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        self.directory = directory
        let started = try spawnWithCleanSignals(virtd, [virtd, "--socket", directory + "/sock", "--socket-ro", directory + "/sock-ro"] + options,
                                                output: .file(directory + "/virtd.log"))
        // Known only once it serves, so that a failed start (reaped already) is never signalled.
        do {
            try awaitSocket(directory + "/sock-ro", of: started, name: "virtd", timeout: .seconds(5))
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
        pid = started
    }

    /// Stops it (SIGTERM) and waits for it; the sockets go with it.
    public func stop() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        kill(pid, SIGTERM)
        _ = waitForChild(pid, timeout: .seconds(10))
    }

    deinit { stop() }
}

/// A private libvirtd 9.0 (Debian's libvirt-daemon) with only its built-in test driver, on
/// sockets of a temporary directory: the reference SwiftVirt is compared with. Stopped with
/// SIGTERM; its directory, and the /run/libvirt the first of them made if there was none,
/// are removed once the last one is gone.
public final class LibvirtdFixture: @unchecked Sendable {
    static let binary = "/usr/sbin/libvirtd"
    /// Why the fixture cannot run here, if it cannot.
    public static var unavailable: String? {
        if getuid() != 0 { return "libvirtd needs root" }
        if !FileManager.default.isExecutableFile(atPath: binary) { return "libvirtd (libvirt-daemon) is not installed" }
        return nil
    }

    /// How many run now, and whether /run/libvirt was made by them.
    private static let running = Mutex((count: 0, madeRunDirectory: false))

    /// Its configuration, log and socket directory.
    public let directory = "/tmp/swiftvirt-libvirtd-test-\(UUID().uuidString)"
    private let pid: pid_t
    /// Its read-write socket.
    public var socket: String { directory + "/sock/libvirt-sock" }

    /// Starts one.
    public init() throws {
        Self.running.withLock { running in
            if running.count == 0 { running.madeRunDirectory = !FileManager.default.fileExists(atPath: "/run/libvirt") }
            running.count += 1
        }
        do {
            try FileManager.default.createDirectory(atPath: directory + "/sock", withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: directory + "/no-drivers", withIntermediateDirectories: true)
            let settings = ["unix_sock_dir = \"\(directory)/sock\"", "unix_sock_ro_perms = \"0700\"", "unix_sock_rw_perms = \"0700\"",
                            "unix_sock_admin_perms = \"0700\"", "auth_unix_ro = \"none\"", "auth_unix_rw = \"none\"",
                            "log_outputs = \"3:file:\(directory)/libvirtd.log\""]
            try settings.joined(separator: "\n").appending("\n").write(toFile: directory + "/libvirtd.conf", atomically: true, encoding: .utf8)
            let started = try spawnWithCleanSignals(Self.binary, [Self.binary, "-f", directory + "/libvirtd.conf", "-p", directory + "/libvirtd.pid"],
                                                    env: ["LIBVIRT_DRIVER_DIR": directory + "/no-drivers", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"],
                                                    output: .file(directory + "/libvirtd.stdio"))
            try awaitSocket(directory + "/sock/libvirt-sock", of: started, name: "libvirtd", timeout: .seconds(10))
            pid = started
        } catch {
            Self.release(directory)
            throw error
        }
    }

    private let stopped = Atomic(false)

    /// Stops it (SIGTERM), waits for it and removes its directory.
    public func stop() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        kill(pid, SIGTERM)
        _ = waitForChild(pid, timeout: .seconds(10))
        Self.release(directory)
    }

    deinit { stop() }

    private static func release(_ directory: String) {
        try? FileManager.default.removeItem(atPath: directory)
        let removeRun = running.withLock { running in
            running.count -= 1
            return running.count == 0 && running.madeRunDirectory
        }
        if removeRun { try? FileManager.default.removeItem(atPath: "/run/libvirt") }
    }
}
