import Synchronization
import VirtError
import VirtSystem

/// A socket that its reader thread closes while other threads may still write to it or shut
/// it down: they check, under one lock, that it is still open, because once closed its
/// descriptor's number may already belong to another socket.
final class GuardedSocket: Sendable {
    /// The socket; only its reader reads it directly.
    let socket: StreamSocket
    private let closed = Mutex(false)

    init(_ socket: StreamSocket) { self.socket = socket }

    /// Writes all of `bytes`; false if the socket was closed already.
    func write(_ bytes: [UInt8]) throws(VirError) -> Bool {
        try closed.withLock { (closed) throws(VirError) -> Bool in
            guard !closed else { return false }
            try socket.writeAll(bytes)
            return true
        }
    }

    /// Shuts the socket down, waking its reader, unless it is closed already.
    func shutdown() {
        closed.withLock { closed in if !closed { socket.shutdown() } }
    }

    /// Closes it, once.
    func close() {
        closed.withLock { closed in
            if !closed { socket.close() }
            closed = true
        }
    }
}
