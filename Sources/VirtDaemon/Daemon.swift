import Foundation
import Logging
import VirtCore
import VirtError
import VirtSystem

/// virtd: serves libvirt's RPC protocol on a read-write and a read-only unix socket (and,
/// if configured, TCP on loopback), with SwiftVirt's drivers behind it. One event loop
/// thread serves every client (``EventLoop``); calls that may block run on worker threads.
public final class Daemon: Sendable {
    private let configuration: DaemonConfiguration
    private let drivers: DriverRegistry
    private let listeners: [(listener: SocketListener, readOnly: Bool)]
    private let loop: EventLoop
    private let workers = WorkerPool()
    /// The listeners' watches: made and touched on the loop thread only.
    nonisolated(unsafe) private var watches: [ListenerWatch] = []
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
        loop = try EventLoop(busyPoll: .microseconds(configuration.busyPollMicroseconds))
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

    /// Accepts clients on every socket and serves them, on the event loop's thread.
    public func start() {
        loop.execute { [self] in
            for (listener, readOnly) in listeners {
                do throws(VirError) {
                    watches.append(try ListenerWatch(listener, readOnly: readOnly, drivers: drivers, configuration: configuration,
                                                     loop: loop, workers: workers))
                } catch {
                    Self.logger.error("cannot watch \(listener.name): \(error.message)")
                }
            }
        }
        loop.start()
        Self.logger.info("listening on \(listeners.map { $0.listener.name + ($0.readOnly ? " (read-only)" : "") }.joined(separator: ", "))")
    }

    /// Stops accepting clients and removes the sockets. Running domains keep running.
    public func stop() {
        let stopped = DispatchSemaphore(value: 0)
        loop.execute { [self] in
            for watch in watches { watch.stop() }
            watches.removeAll()
            stopped.signal()
        }
        _ = stopped.wait(timeout: .now() + .seconds(2))
    }
}
