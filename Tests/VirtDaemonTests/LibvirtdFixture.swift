import Foundation
import Glibc
import TestSupport

/// A private libvirtd 9.0 (Debian's libvirt-daemon) with only its built-in test driver, on
/// sockets of a temporary directory: the reference virtd is compared with. Stopped with
/// SIGTERM; its directory, and the /run/libvirt it makes if there was none, are removed.
final class LibvirtdFixture: @unchecked Sendable {
    static let binary = "/usr/sbin/libvirtd"
    /// Why the fixture cannot run here, if it cannot.
    static var unavailable: String? {
        if getuid() != 0 { return "libvirtd needs root" }
        if !FileManager.default.isExecutableFile(atPath: binary) { return "libvirtd (libvirt-daemon) is not installed" }
        return nil
    }

    let directory = "/tmp/swiftvirt-libvirtd-test-\(UUID().uuidString)"
    private let pid: pid_t
    private let madeRunDirectory = !FileManager.default.fileExists(atPath: "/run/libvirt")
    var socket: String { directory + "/sock/libvirt-sock" }

    init() throws {
        try FileManager.default.createDirectory(atPath: directory + "/sock", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: directory + "/no-drivers", withIntermediateDirectories: true)
        let settings = ["unix_sock_dir = \"\(directory)/sock\"", "unix_sock_ro_perms = \"0700\"", "unix_sock_rw_perms = \"0700\"",
                        "unix_sock_admin_perms = \"0700\"", "auth_unix_ro = \"none\"", "auth_unix_rw = \"none\"",
                        "log_outputs = \"3:file:\(directory)/libvirtd.log\""]
        try settings.joined(separator: "\n").appending("\n").write(toFile: directory + "/libvirtd.conf", atomically: true, encoding: .utf8)
        pid = try spawnWithCleanSignals(Self.binary, [Self.binary, "-f", directory + "/libvirtd.conf", "-p", directory + "/libvirtd.pid"],
                                        env: ["LIBVIRT_DRIVER_DIR": directory + "/no-drivers", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"],
                                        output: .file(directory + "/libvirtd.stdio"))
        for _ in 0..<1000 where !FileManager.default.fileExists(atPath: socket) { usleep(5000) }
        guard FileManager.default.fileExists(atPath: socket) else {
            kill(pid, SIGKILL)
            _ = waitForChild(pid)
            throw DaemonFixture.NoDaemon(reason: "libvirtd made no socket within 5 s")
        }
    }

    deinit {
        kill(pid, SIGTERM)
        _ = waitForChild(pid, timeout: .seconds(10))
        try? FileManager.default.removeItem(atPath: directory)
        if madeRunDirectory { try? FileManager.default.removeItem(atPath: "/run/libvirt") }
    }
}
