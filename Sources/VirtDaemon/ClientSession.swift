import Foundation
import Logging
import VirtCore
import VirtError
import VirtRPC
import VirtSystem

/// One client of the daemon: its socket, read on a thread of its own, and its
/// ``ClientState``. Calls are answered in order, each run on the client's thread itself
/// (``blockingAwait(_:)``), so a call that never waits costs no thread switch.
final class ClientSession: Sendable {
    private let socket: StreamSocket
    private let state: ClientState
    private static let logger = Logger(label: "swiftvirt.virtd.client")

    init(socket: StreamSocket, readOnlySocket: Bool, drivers: DriverRegistry, defaultURI: String) {
        self.socket = socket
        state = ClientState(readOnlySocket: readOnlySocket, drivers: drivers, defaultURI: defaultURI)
    }

    /// Serves the client on a new thread until it hangs up or breaks the protocol.
    func start() {
        let thread = Thread { [self] in serve() }
        thread.stackSize = 256 << 10
        thread.start()
    }

    private func serve() {
        defer {
            blockingAwait { [state] in await state.close() }
            socket.close()
        }
        var reader = FrameReader()
        var buffer = [UInt8](repeating: 0, count: 65536)
        do throws(VirError) {
            while true {
                let count = try socket.read(into: &buffer)
                guard count > 0 else { return }
                reader.append(buffer[0..<count])
                while let packet = try reader.next() {
                    let replies = blockingAwait { [state] in await RemoteDispatcher.handle(packet, for: state) }
                    for reply in replies { try socket.writeAll(reply.frame) }
                }
            }
        } catch {
            Self.logger.info("client dropped: \(error.message)")
        }
    }
}
