// virtd: SwiftVirt's daemon. Serves libvirt's RPC protocol, so that stock virsh and
// libvirt-python reach SwiftVirt's drivers through `URI+unix:///…?socket=PATH`.
//
//   virtd [--socket PATH] [--socket-ro PATH]
import Foundation
import SwiftVirt
import VirtDaemon

var configuration = DaemonConfiguration()
var arguments = CommandLine.arguments.dropFirst()
while let option = arguments.popFirst() {
    guard ["--socket", "--socket-ro"].contains(option), let value = arguments.popFirst() else {
        FileHandle.standardError.write(Data("usage: virtd [--socket PATH] [--socket-ro PATH]\n".utf8))
        exit(2)
    }
    if option == "--socket" { configuration.socketPath = value } else { configuration.readOnlySocketPath = value }
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
