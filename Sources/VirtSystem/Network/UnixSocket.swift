import CVirtShim
import Glibc
import VirtError

/// A connected stream socket (a daemon's client, or a client's daemon): blocking reads and
/// whole writes, each retried on `EINTR`.
public struct StreamSocket: Sendable {
    /// The descriptor; the socket's owner closes it with ``close()``.
    public let descriptor: Int32

    /// Wraps a connected socket's descriptor.
    public init(descriptor: Int32) { self.descriptor = descriptor }

    /// Reads what is available into `buffer`, blocking until something is; 0 at the peer's end.
    public func read(into buffer: inout [UInt8]) throws(VirError) -> Int {
        try Syscall.call("read from socket \(descriptor)", domain: .rpc) {
            buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
        }
    }

    /// Reads what is available into `buffer`, as ``read(into:)`` does, and appends the
    /// descriptors that came with it (`SCM_RIGHTS`, close-on-exec, now the caller's) to
    /// `descriptors`. A plain read would close them unseen.
    public func receive(into buffer: inout [UInt8], descriptors: inout [Int32]) throws(VirError) -> Int {
        var arrived = [Int32](repeating: -1, count: Int(CVS_MAX_FDS))
        var count: Int32 = 0
        let received = try Syscall.call("read from socket \(descriptor)", domain: .rpc) {
            buffer.withUnsafeMutableBytes { raw in
                arrived.withUnsafeMutableBufferPointer { cvs_recv_fds(descriptor, raw.baseAddress, raw.count, $0.baseAddress, CVS_MAX_FDS, &count) }
            }
        }
        descriptors.append(contentsOf: arrived.prefix(Int(count)))
        return received
    }

    /// Sends `descriptor` as libvirt's protocol does after a `*_WITH_FDS` frame: one message
    /// of a single zero byte carrying it. The caller's copy stays open.
    public func sendDescriptor(_ descriptor: Int32) throws(VirError) {
        var carrier: UInt8 = 0
        var passed = descriptor
        try Syscall.call("send descriptor \(descriptor) over socket \(self.descriptor)", domain: .rpc) {
            cvs_send_fds(self.descriptor, &carrier, 1, &passed, 1)
        }
    }

    /// Writes all of `bytes` (without SIGPIPE: a vanished peer is an error, not a signal).
    public func writeAll(_ bytes: [UInt8]) throws(VirError) {
        var offset = 0
        while offset < bytes.count {
            let written = try Syscall.call("write to socket \(descriptor)", domain: .rpc) {
                bytes.withUnsafeBytes { send(descriptor, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            }
            offset += written
        }
    }

    /// Shuts both directions down, waking a thread blocked in ``read(into:)``.
    public func shutdown() { _ = Glibc.shutdown(descriptor, Int32(SHUT_RDWR)) }

    /// Closes the descriptor.
    public func close() { _ = Glibc.close(descriptor) }

    /// Connects to the unix socket at `path`.
    public static func connect(to path: String) throws(VirError) -> StreamSocket {
        let fd = try Syscall.call("socket(AF_UNIX)", domain: .rpc) { socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0) }
        var address = try UnixSocketListener.address(path)
        let length = socklen_t(MemoryLayout<sockaddr_un>.size)
        let result = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, length) } }
        guard result == 0 else {
            let error = Syscall.error("Failed to connect socket to '\(path)'", errno: errno, domain: .rpc)
            Glibc.close(fd)
            throw error
        }
        return StreamSocket(descriptor: fd)
    }
}

/// A listening unix stream socket at a path, made with a given mode (0600 for a daemon's
/// read-write socket, 0666 for its read-only one). A stale socket file is replaced.
public final class UnixSocketListener: Sendable {
    /// The socket's path.
    public let path: String
    private let descriptor: Int32

    /// Binds and listens at `path` with permissions `mode`.
    public init(path: String, mode: mode_t) throws(VirError) {
        let fd = try Syscall.call("socket(AF_UNIX)", domain: .rpc) { socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0) }
        do throws(VirError) {
            var address = try Self.address(path)
            unlink(path)
            let length = socklen_t(MemoryLayout<sockaddr_un>.size)
            try Syscall.call("bind \(path)", domain: .rpc) {
                withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
            }
            try Syscall.call("chmod \(path)", domain: .rpc) { chmod(path, mode) }
            try Syscall.call("listen on \(path)", domain: .rpc) { listen(fd, 128) }
        } catch {
            Glibc.close(fd)
            throw error
        }
        self.path = path
        descriptor = fd
    }

    /// Waits for the next client; throws once the listener is closed.
    public func accept() throws(VirError) -> StreamSocket {
        let fd = try Syscall.call("accept on \(path)", domain: .rpc) { cvs_accept_cloexec(descriptor) }
        return StreamSocket(descriptor: fd)
    }

    /// Stops listening: wakes ``accept()`` and removes the socket file.
    public func close() {
        _ = Glibc.shutdown(descriptor, Int32(SHUT_RDWR))
        _ = Glibc.close(descriptor)
        unlink(path)
    }

    /// `sockaddr_un` for `path`, or `VIR_ERR_INVALID_ARG` if it does not fit.
    static func address(_ path: String) throws(VirError) -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.utf8.count < capacity else {
            throw VirError(.invalidArg, "socket path '\(path)' is longer than \(capacity - 1) bytes", domain: .rpc)
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.enumerated() { raw[index] = byte }
        }
        return address
    }
}
