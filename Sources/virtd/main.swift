// virtd: SwiftVirt's daemon. Serves libvirt's RPC protocol, so that stock virsh and
// libvirt-python reach SwiftVirt's drivers through `URI+unix:///…?socket=PATH`.
//
//   virtd [--socket PATH] [--socket-ro PATH] [--keepalive-interval SECONDS] [--keepalive-count N]
import Foundation
import SwiftVirt
import VirtDaemon

let usage = "usage: virtd [--socket PATH] [--socket-ro PATH] [--keepalive-interval SECONDS] [--keepalive-count N]\n"
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
    case ("--keepalive-interval", let seconds?) where seconds >= 0: configuration.keepaliveInterval = seconds
    case ("--keepalive-count", let count?) where count >= 0: configuration.keepaliveCount = count
    default:
        FileHandle.standardError.write(Data(usage.utf8))
        exit(2)
    }
}

let daemon: Daemon
do {
    daemon = try Daemon(configuration: configuration, drivers: .builtIn)
} catch {
    FileHandle.standardError.write(Data("virtd: \(error)\n".utf8))
    exit(1)
}
daemon.start()
let stop = DispatchSource.makeSignalSource(signal: SIGTERM, queue: .main)
signal(SIGTERM, SIG_IGN)
stop.setEventHandler {
    daemon.stop()
    exit(0)
}
stop.resume()
dispatchMain()
