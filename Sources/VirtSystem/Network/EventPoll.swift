import CVirtShim
import Glibc
import VirtError

/// An epoll instance: descriptors registered with a token and the readiness they are
/// watched for, level-triggered. The token comes back with each ready descriptor.
public final class EventPoll: Sendable {
    /// What a descriptor is watched for.
    public struct Interest: OptionSet, Sendable {
        public let rawValue: UInt32
        /// Wraps EPOLL* bits.
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        /// Data (or a connection, or the peer's end) can be read.
        public static let readable = Interest(rawValue: EPOLLIN.rawValue)
        /// Data can be written.
        public static let writable = Interest(rawValue: EPOLLOUT.rawValue)
    }

    /// One descriptor found ready by ``wait(into:timeout:)``.
    public struct Event: Sendable {
        /// The token it was registered with.
        public let token: UInt64
        let events: UInt32
        /// Readable, or hung up or failed: a read will not block.
        public var isReadable: Bool { events & (EPOLLIN.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 }
        /// Writable, or failed: a write will not block.
        public var isWritable: Bool { events & (EPOLLOUT.rawValue | EPOLLERR.rawValue) != 0 }
    }

    private let descriptor: Int32

    /// A new epoll instance, close-on-exec.
    public init() throws(VirError) {
        descriptor = try Syscall.call("epoll_create1") { cvs_epoll_create() }
    }

    deinit { close(descriptor) }

    /// Watches `fd` for `interest`, reporting it as `token`.
    public func add(_ fd: Int32, token: UInt64, interest: Interest) throws(VirError) {
        try Syscall.call("epoll add \(fd)") { cvs_epoll_control(descriptor, EPOLL_CTL_ADD, fd, interest.rawValue, token) }
    }

    /// Watches `fd` (already added) for `interest` instead.
    public func modify(_ fd: Int32, token: UInt64, interest: Interest) throws(VirError) {
        try Syscall.call("epoll modify \(fd)") { cvs_epoll_control(descriptor, EPOLL_CTL_MOD, fd, interest.rawValue, token) }
    }

    /// Stops watching `fd`. Call it before closing `fd`: the number may come back as another
    /// descriptor.
    public func remove(_ fd: Int32) {
        _ = cvs_epoll_control(descriptor, EPOLL_CTL_DEL, fd, 0, 0)
    }

    /// Waits up to `timeout` milliseconds (-1: forever, 0: not at all) for ready descriptors
    /// and puts them in `ready`. An interrupted wait finds none.
    public func wait(into ready: inout ReadyEvents, timeout: Int32) throws(VirError) {
        let count = ready.storage.withUnsafeMutableBufferPointer { cvs_epoll_wait(descriptor, $0.baseAddress, Int32($0.count), timeout) }
        guard count >= 0 else {
            ready.count = 0
            guard errno == EINTR else { throw Syscall.error("epoll_wait", errno: errno) }
            return
        }
        ready.count = Int(count)
    }

    /// What one ``wait(into:timeout:)`` found: up to 64 ready descriptors, reused from wait to wait.
    public struct ReadyEvents: Sendable {
        fileprivate var storage = [cvs_poll_event](repeating: cvs_poll_event(), count: 64)
        /// How many descriptors the last wait found.
        public fileprivate(set) var count = 0

        /// An empty list.
        public init() {}

        /// The `index`th ready descriptor.
        public subscript(index: Int) -> Event { Event(token: storage[index].token, events: storage[index].events) }
    }
}
