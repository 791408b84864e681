import Foundation
import Logging
import VirtCore
import VirtError
import VirtSystem

/// virtd: serves libvirt's RPC protocol on a read-write and a read-only unix socket (and,
/// if configured, TCP on loopback), with SwiftVirt's drivers behind it. Each client is served on a thread of its own.
public final class Daemon: Sendable {
    private let configuration: DaemonConfiguration
    private let drivers: DriverRegistry
    private let listeners: [(listener: SocketListener, readOnly: Bool)]
    private static let logger = Logger(label: "swiftvirt.virtd")

    /// Creates the sockets (and their directories); clients are accepted after ``start()``.
    public init(configuration: DaemonConfiguration, drivers: DriverRegistry) throws(VirError) {
        self.configuration = configuration
        self.drivers = drivers
        for path in [configuration.socketPath, configuration.readOnlySocketPath] {
            let directory = (path as NSString).deletingLastPathComponent
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw VirError(.systemError, "cannot create the socket directory '\(directory)': \(error)", domain: .rpc)
            }
        }
        var opened: [(SocketListener, Bool)] = []
        do throws(VirError) {
            opened.append((try SocketListener(unixPath: configuration.socketPath, mode: 0o600), false))
            opened.append((try SocketListener(unixPath: configuration.readOnlySocketPath, mode: 0o666), true))
            if let endpoint = configuration.tcpListen {
                opened.append((try SocketListener(loopback: endpoint), configuration.tcpReadOnly))
            }
        } catch {
            for (listener, _) in opened { listener.close() }
            throw error
        }
        listeners = opened
    }

    /// Accepts clients on every socket, each listener on a thread of its own.
    public func start() {
        for (listener, readOnly) in listeners {
            Thread { [self] in accept(on: listener, readOnly: readOnly) }.start()
        }
        Self.logger.info("listening on \(listeners.map { $0.listener.name + ($0.readOnly ? " (read-only)" : "") }.joined(separator: ", "))")
    }

    /// Stops accepting clients and removes the sockets. Running domains keep running.
    public func stop() {
        for (listener, _) in listeners { listener.close() }
    }

    private func accept(on listener: SocketListener, readOnly: Bool) {
        while true {
            do throws(VirError) {
                let socket = try listener.accept()
                do throws(VirError) {
                    try ClientSession(socket: socket, readOnlySocket: readOnly, drivers: drivers, configuration: configuration).start()
                } catch {
                    Self.logger.warning("client refused: \(error.message)")
                    socket.close()
                }
            } catch {
                // A client that gave up before being accepted, or no descriptor left for now:
                // go on. Anything else means the listener was closed.
                guard error.int1 == ECONNABORTED || error.int1 == EMFILE else { return }
                if error.int1 == EMFILE { usleep(10_000) }  // wait for a client to leave
            }
        }
    }
}
