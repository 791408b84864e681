import Glibc
import Logging
import VirtCore
import VirtError
import VirtSystem

/// The loop's watch on one listening socket: it accepts the clients that wait and starts a
/// ``ClientConnection`` for each. Out of descriptors, it stops accepting for a second
/// rather than spin on a listener that stays readable.
final class ListenerWatch: LoopHandler {
    /// Clients accepted per readiness, so that a flood of them does not starve the others.
    static let acceptBatch = 16

    let listener: SocketListener
    private let readOnly: Bool
    private let drivers: DriverRegistry
    private let configuration: DaemonConfiguration
    private let loop: EventLoop
    private let workers: WorkerPool
    private var token: UInt64 = 0
    private var paused = false
    private static let logger = Logger(label: "swiftvirt.virtd")

    /// Watches `listener` on `loop`; call on the loop thread.
    init(_ listener: SocketListener, readOnly: Bool, drivers: DriverRegistry, configuration: DaemonConfiguration,
         loop: EventLoop, workers: WorkerPool) throws(VirError) {
        self.listener = listener
        self.readOnly = readOnly
        self.drivers = drivers
        self.configuration = configuration
        self.loop = loop
        self.workers = workers
        listener.makeNonBlocking()
        token = try loop.register(listener.descriptor, interest: .readable, handler: self)
    }

    func ready(_ event: EventPoll.Event) {
        for _ in 0..<Self.acceptBatch {
            do throws(VirError) {
                guard let socket = try listener.acceptWaiting() else { return }
                do throws(VirError) {
                    try ClientConnection.serve(socket, readOnlySocket: readOnly, drivers: drivers, configuration: configuration,
                                               loop: loop, workers: workers)
                } catch {
                    Self.logger.warning("client refused: \(error.message)")
                    socket.close()
                }
            } catch {
                if error.int1 == ECONNABORTED { continue }  // it gave up before being accepted
                Self.logger.warning("\(error.message)")
                if error.int1 == EMFILE || error.int1 == ENFILE { pause() }
                return
            }
        }
    }

    func tick(now: ContinuousClock.Instant) {
        guard paused else { return }
        paused = false
        loop.change(listener.descriptor, token: token, from: [], to: .readable)
        loop.stopTicking(token)
    }

    /// Stops watching and closes the listener (removing its socket file).
    func stop() {
        loop.deregister(listener.descriptor, token: token)
        listener.close()
    }

    private func pause() {
        paused = true
        loop.change(listener.descriptor, token: token, from: .readable, to: [])
        loop.startTicking(token)
    }
}
