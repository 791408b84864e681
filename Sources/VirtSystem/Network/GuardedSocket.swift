import Synchronization
import VirtError

/// A socket that its reader thread closes while other threads may still write to it or shut
/// it down: they check, under one lock, that it is still open, because once closed its
/// descriptor's number may already belong to another socket (a shutdown there once ended a
/// test's unrelated child-process socket). Writes are serialized by the same lock.
public final class GuardedSocket: Sendable {
    /// The socket; only its reader reads it directly (and closes it, with ``close()``).
    public let socket: StreamSocket
    private let closed = Mutex(false)

    /// Guards `socket`, which it now owns.
    public init(_ socket: StreamSocket) { self.socket = socket }

    /// Writes all of `bytes`, `descriptor` attached if given; false if the socket was
    /// closed already.
    public func write(_ bytes: [UInt8], passing descriptor: Int32? = nil) throws(VirError) -> Bool {
        try closed.withLock { (closed) throws(VirError) -> Bool in
            guard !closed else { return false }
            try socket.writeAll(bytes, passing: descriptor)
            return true
        }
    }

    /// Writes all of `frame`, then each of `descriptors` with its carrier byte, as libvirt's
    /// protocol passes them after a `*_WITH_FDS` frame, none of it interleaved with other
    /// writes; false if the socket was closed already. The caller's copies stay open.
    public func write(frame: [UInt8], descriptors: [Int32]) throws(VirError) -> Bool {
        try closed.withLock { (closed) throws(VirError) -> Bool in
            guard !closed else { return false }
            try socket.writeAll(frame)
            for descriptor in descriptors { try socket.sendDescriptor(descriptor) }
            return true
        }
    }

    /// Shuts the socket down, waking its reader, unless it is closed already.
    public func shutdown() {
        closed.withLock { closed in if !closed { socket.shutdown() } }
    }

    /// Closes it, once.
    public func close() {
        closed.withLock { closed in
            if !closed { socket.close() }
            closed = true
        }
    }
}
