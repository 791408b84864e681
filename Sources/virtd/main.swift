// virtd: SwiftVirt's daemon. Serves libvirt's RPC protocol, so that stock virsh and
// libvirt-python reach SwiftVirt's drivers through `URI+unix:///…?socket=PATH`.
//
//   virtd [--socket PATH] [--socket-ro PATH] [--lxc-root DIR] [--keepalive-interval SECONDS] [--keepalive-count N]
import Foundation
import VirtCore
import VirtDaemon
import VirtDriverLXC
import VirtDriverTest

let usage = "usage: virtd [--socket PATH] [--socket-ro PATH] [--lxc-root DIR] [--keepalive-interval SECONDS] [--keepalive-count N]\n"
var configuration = DaemonConfiguration()
var arguments = CommandLine.arguments.dropFirst()
while let option = arguments.popFirst() {
    guard let value = arguments.popFirst() else {
        FileHandle.standardError.write(Data(usage.utf8))
        exit(2)
    }
    switch (option, Int(value)) {
    case ("--socket", _): configuration.socketPath = value
    case ("--socket-ro", _): configuration.readOnlySocketPath = value
    case ("--lxc-root", _) where value.hasPrefix("/"): configuration.lxcRoot = value
    case ("--keepalive-interval", let seconds?) where seconds >= 0: configuration.keepaliveInterval = seconds
    case ("--keepalive-count", let count?) where count >= 0: configuration.keepaliveCount = count
    default:
        FileHandle.standardError.write(Data(usage.utf8))
        exit(2)
    }
}

// One driver per kind for every client, as libvirtd has: test:///, and lxc:/// on its root.
let containers = LXCDriverHost(systemRoot: configuration.lxcRoot)
var drivers = DriverRegistry()
drivers.register("test", TestDriver.open)
drivers.register("lxc", containers.open)

let daemon: Daemon
do {
    daemon = try Daemon(configuration: configuration, drivers: drivers)
} catch {
    FileHandle.standardError.write(Data("virtd: \(error)\n".utf8))
    exit(1)
}
daemon.start()
// Adopt the containers that kept running while virtd was away, and autostart the rest,
// without delaying the sockets.
Thread.detachNewThread {
    do {
        _ = try containers.driver(root: containers.systemRoot)
    } catch {
        FileHandle.standardError.write(Data("virtd: lxc:///: \(error)\n".utf8))
    }
}
let stop = DispatchSource.makeSignalSource(signal: SIGTERM, queue: .main)
signal(SIGTERM, SIG_IGN)
stop.setEventHandler {
    daemon.stop()
    exit(0)
}
stop.resume()
dispatchMain()
