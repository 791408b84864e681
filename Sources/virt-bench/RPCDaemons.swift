import Foundation
import VirtSystem

#if canImport(Glibc)
import Glibc
#endif

/// A daemon `virt-bench rpc` measures: virtd (built next to virt-bench) or a private stock
/// libvirtd 9.0 (only its built-in test driver, on sockets of its own directory), pinned to
/// CPU 0 so that both run where their clients do not.
final class BenchDaemon {
    enum Kind: String {
        case virtd, libvirtd
    }

    let kind: Kind
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftvirt-bench-rpc-\(UUID().uuidString)").path
    private let process: ChildProcess
    /// Seconds from its start until its socket accepted a connection.
    let startup: Double
    let socket: String
    private let madeRunDirectory = !FileManager.default.fileExists(atPath: "/run/libvirt")

    /// The URI of its test driver.
    var uri: String { "test+unix:///default?socket=\(socket)" }

    /// Its resident memory now, in KiB (`VmRSS`).
    var residentKiB: Double {
        let status = (try? String(contentsOfFile: "/proc/\(process.pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Double(line.split(separator: " ").dropFirst().first ?? "") ?? .nan
    }

    /// The CPU time it has used so far (user and system, every thread), in seconds.
    var cpuSeconds: Double {
        let stat = (try? String(contentsOfFile: "/proc/\(process.pid)/stat", encoding: .utf8)) ?? ""
        // After the command name's closing parenthesis: state is field 3, utime 14, stime 15.
        let fields = stat.split(separator: ")").last?.split(separator: " ") ?? []
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return .nan }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Starts one and waits until it accepts connections.
    init(_ kind: Kind) throws {
        self.kind = kind
        try FileManager.default.createDirectory(atPath: directory + "/empty", withIntermediateDirectories: true)
        var environment = ProcessInfo.processInfo.environment
        let command: [String]
        switch kind {
        case .virtd:
            socket = directory + "/sock"
            command = [TestDriverBench.siblingExecutable("virtd"), "--socket", socket, "--socket-ro", directory + "/sock-ro",
                       "--lxc-root", directory + "/lxc", "--log-level", "warning"]
        case .libvirtd:
            socket = directory + "/libvirt-sock"
            let settings = ["unix_sock_dir = \"\(directory)\"", "unix_sock_ro_perms = \"0700\"", "unix_sock_rw_perms = \"0700\"",
                            "unix_sock_admin_perms = \"0700\"", "auth_unix_ro = \"none\"", "auth_unix_rw = \"none\"",
                            "log_outputs = \"3:file:\(directory)/libvirtd.log\""]
            try settings.joined(separator: "\n").appending("\n").write(toFile: directory + "/libvirtd.conf", atomically: true, encoding: .utf8)
            command = ["/usr/sbin/libvirtd", "-f", directory + "/libvirtd.conf", "-p", directory + "/libvirtd.pid"]
            // Only the test driver, which is built in: no hypervisor driver modules are probed.
            environment["LIBVIRT_DRIVER_DIR"] = directory + "/empty"
        }
        guard FileManager.default.isExecutableFile(atPath: command[0]) else { throw BenchError.missing(command[0]) }
        // The project's spawner: the daemon starts with clean signal dispositions and mask
        // (a pool thread blocks signals, and a libvirtd that inherited a blocked SIGTERM
        // would never stop), stdio on /dev/null.
        let null = open("/dev/null", O_RDWR | O_CLOEXEC)
        defer { close(null) }
        let argv = ["/usr/bin/taskset", "-c", "0"] + command
        var plan = SpawnPlan(.path(argv[0]), arguments: argv)
        plan.environment = environment.map { "\($0.key)=\($0.value)" }
        plan.descriptors = [0: null, 1: null, 2: null]
        let clock = ContinuousClock()
        let started = clock.now
        process = try Spawner.spawn(plan)
        while (try? StreamSocket.connect(to: socket))?.close() == nil {
            if case let ended? = try process.exitStatus() { throw BenchError.commandFailed("\(command.joined(separator: " ")): \(ended)", -1) }
            guard clock.now - started < .seconds(20) else { throw BenchError.commandFailed("\(kind) made no socket in 20 s", -1) }
            usleep(200)
        }
        startup = Bench.seconds(clock.now - started)
    }

    /// Stops it (SIGTERM), waits for it, and removes what it left.
    func stop() async {
        try? process.signal(SIGTERM)
        _ = try? await process.wait()
        try? FileManager.default.removeItem(atPath: directory)
        if kind == .libvirtd && madeRunDirectory { try? FileManager.default.removeItem(atPath: "/run/libvirt") }
    }
}
