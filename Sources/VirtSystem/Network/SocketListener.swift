import CVirtShim
import Glibc
import VirtError

/// A listening stream socket: a unix socket at a path, made with a given mode (0600 for a
/// daemon's read-write socket, 0666 for its read-only one; a stale socket file is
/// replaced), or a TCP socket on a loopback address.
public final class SocketListener: Sendable {
    /// What it listens on: the socket's path, or `address:port`.
    public let name: String
    /// The socket file to remove when it closes (unix sockets only).
    private let path: String?
    /// The listening descriptor, for an event loop to watch.
    public let descriptor: Int32

    /// Binds and listens at the unix socket `path` with permissions `mode`.
    public convenience init(unixPath path: String, mode: mode_t) throws(VirError) {
        var address = try Self.address(path)
        unlink(path)
        try self.init(family: AF_UNIX, name: path, path: path) { fd throws(VirError) in
            try Syscall.call("bind \(path)", domain: .rpc) {
                withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
            }
            try Syscall.call("chmod \(path)", domain: .rpc) { chmod(path, mode) }
        }
    }

    /// Binds and listens on `endpoint`, which must be on a loopback address (127.0.0.0/8 or
    /// ::1): nothing here is meant to be reached from another host.
    public convenience init(loopback endpoint: TCPEndpoint) throws(VirError) {
        guard endpoint.address.isLoopback else {
            throw VirError(.invalidArg, "\(endpoint.address) is not a loopback address: TCP is only served on loopback", domain: .rpc)
        }
        try self.init(family: endpoint.address.family.addressFamily, name: endpoint.description, path: nil) { fd throws(VirError) in
            var on: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
            try Syscall.call("bind \(endpoint)", domain: .rpc) { endpoint.address.withSocketAddress(port: endpoint.port) { bind(fd, $0, $1) } }
        }
    }

    private init(family: Int32, name: String, path: String?, bind: (Int32) throws(VirError) -> Void) throws(VirError) {
        let fd = try Syscall.call("socket", domain: .rpc) { socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0) }
        do throws(VirError) {
            try bind(fd)
            try Syscall.call("listen on \(name)", domain: .rpc) { listen(fd, 128) }
        } catch {
            Glibc.close(fd)
            throw error
        }
        self.name = name
        self.path = path
        descriptor = fd
    }

    /// The TCP port it listens on (the one the kernel chose for port 0); nil for a unix socket.
    public var port: UInt16? {
        guard path == nil else { return nil }
        var address = sockaddr_in6()
        var length = socklen_t(MemoryLayout<sockaddr_in6>.size)
        let found = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        // sin_port and sin6_port sit at the same offset.
        return found == 0 ? UInt16(bigEndian: address.sin6_port) : nil
    }

    /// Waits for the next client; throws once the listener is closed.
    public func accept() throws(VirError) -> StreamSocket {
        let fd = try Syscall.call("accept on \(name)", domain: .rpc) { cvs_accept_cloexec(descriptor) }
        return StreamSocket(descriptor: fd)
    }

    /// Takes the next waiting client without blocking: nil when none waits. The client's
    /// socket is non-blocking too. For an event loop, once the listener is
    /// ``makeNonBlocking()``.
    public func acceptWaiting() throws(VirError) -> StreamSocket? {
        let fd = cvs_accept_nonblocking(descriptor)
        if fd >= 0 { return StreamSocket(descriptor: fd) }
        guard errno != EAGAIN && errno != EINTR else { return nil }
        throw Syscall.error("accept on \(name)", errno: errno, domain: .rpc)
    }

    /// Makes ``acceptWaiting()`` safe against a client that leaves between the loop's
    /// readiness and the accept.
    public func makeNonBlocking() {
        let flags = fcntl(descriptor, F_GETFL)
        if flags >= 0 { _ = fcntl(descriptor, F_SETFL, flags | O_NONBLOCK) }
    }

    /// Stops listening: wakes ``accept()`` and removes the socket file, if any.
    public func close() {
        _ = Glibc.shutdown(descriptor, Int32(SHUT_RDWR))
        _ = Glibc.close(descriptor)
        if let path { unlink(path) }
    }

    /// Closes this process's descriptor only: the socket lives on in a process that was
    /// given it (QEMU's monitor), and its file stays, for later connections.
    public func handOver() {
        _ = Glibc.close(descriptor)
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
