// virtd: SwiftVirt's daemon. Serves libvirt's RPC protocol, so that stock virsh and
// libvirt-python reach SwiftVirt's drivers through `URI+unix:///…?socket=PATH`.
//
//   virtd [--config FILE] [--socket PATH] [--socket-ro PATH] [--tcp-listen ADDRESS:PORT]
//         [--lxc-root DIR] [--qemu-root DIR] [--keepalive-interval SECONDS] [--keepalive-count N] [--log-level LEVEL]
//         [--busy-poll-us MICROSECONDS]
//
// The file (default /etc/swiftvirt/virtd.conf, if it exists) is read first; options win.
import Foundation
import Logging
import VirtCore
import VirtDaemon
import VirtDriverLXC
import VirtDriverQEMU
import VirtDriverTest
import VirtError

/// Each option and the setting of the file it stands for.
let options = ["--socket": "unix_sock_path", "--socket-ro": "unix_sock_ro_path", "--tcp-listen": "tcp_listen", "--lxc-root": "lxc_root",
               "--qemu-root": "qemu_root", "--keepalive-interval": "keepalive_interval", "--keepalive-count": "keepalive_count",
               "--log-level": "log_level", "--busy-poll-us": "busy_poll_us"]

func fail(_ message: String, status: Int32) -> Never {
    FileHandle.standardError.write(Data("virtd: \(message)\n".utf8))
    exit(status)
}

var pairs: [(option: String, value: String)] = []
var arguments = CommandLine.arguments.dropFirst()
while let option = arguments.popFirst() {
    guard option == "--config" || options[option] != nil, let value = arguments.popFirst() else {
        fail("usage: virtd [--config FILE] " + options.keys.sorted().map { "[\($0) VALUE]" }.joined(separator: " "), status: 2)
    }
    pairs.append((option, value))
}

var configuration = DaemonConfiguration()
do {
    let file = pairs.last { $0.option == "--config" }?.value
        ?? (FileManager.default.fileExists(atPath: DaemonConfiguration.defaultFile) ? DaemonConfiguration.defaultFile : nil)
    if let file { configuration = try DaemonConfiguration(contentsOf: file) }
    for (option, value) in pairs where option != "--config" { try configuration.set(options[option]!, to: value) }
} catch {
    fail(error.message, status: 2)
}
let level = configuration.logLevel
LoggingSystem.bootstrap { label in
    var handler = StreamLogHandler.standardError(label: label)
    handler.logLevel = level
    return handler
}

// One driver per kind for every client, as libvirtd has: test:///, lxc:/// and
// qemu:///system on their roots.
let containers = DriverHost<LXCDriver>(systemRoot: configuration.lxcRoot, keepsDriversOpen: true)
let machines = DriverHost<QEMUDriver>(systemRoot: configuration.qemuRoot, keepsDriversOpen: true)
var drivers = DriverRegistry()
drivers.register("test", opensMayBlock: false, TestDriver.open)
drivers.register("lxc", containers.open)
drivers.register("qemu", machines.open)

// SIGTERM and SIGINT wait for the main thread's sigwait below. They are blocked before any
// other thread starts, so that every thread inherits the block and none takes the signal
// instead (the children virtd spawns start with an empty mask).
var stopSignals = sigset_t()
sigemptyset(&stopSignals)
sigaddset(&stopSignals, SIGTERM)
sigaddset(&stopSignals, SIGINT)
pthread_sigmask(SIG_BLOCK, &stopSignals, nil)
let daemon: Daemon
do {
    daemon = try Daemon(configuration: configuration, drivers: drivers)
} catch {
    fail(error.message, status: 1)
}
daemon.start()
// Adopt the domains that kept running while virtd was away, and autostart the rest,
// without delaying the sockets.
func tend<Driver: RootedDriver>(_ host: DriverHost<Driver>, root: String, uri: String) {
    guard host.systemRootHasDomainsToTend else { return }
    Task {
        do throws(VirError) {
            _ = try await host.driver(root: root)
        } catch {
            Logger(label: "swiftvirt.virtd").error("\(uri): \(error.message)")
        }
    }
}
tend(containers, root: configuration.lxcRoot, uri: "lxc:///")
tend(machines, root: configuration.qemuRoot, uri: "qemu:///system")
var received: Int32 = 0
sigwait(&stopSignals, &received)
Logger(label: "swiftvirt.virtd").info("stopping on signal \(received); running domains keep running")
daemon.stop()
exit(0)
