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

    /// Writes all of `bytes` (without SIGPIPE: a vanished peer is an error, not a signal),
    /// with `descriptor` (`SCM_RIGHTS`) attached to the first part when one is given, as
    /// QEMU's `getfd` wants it. The caller's copy stays open.
    public func writeAll(_ bytes: [UInt8], passing attached: Int32? = nil) throws(VirError) {
        var offset = 0
        if var passed = attached, !bytes.isEmpty {
            offset = try Syscall.call("send descriptor \(passed) over socket \(self.descriptor)", domain: .rpc) {
                bytes.withUnsafeBytes { cvs_send_fds(self.descriptor, $0.baseAddress, $0.count, &passed, 1) }
            }
        }
        while offset < bytes.count {
            let written = try Syscall.call("write to socket \(descriptor)", domain: .rpc) {
                bytes.withUnsafeBytes { send(descriptor, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            }
            offset += written
        }
    }

    /// Writes what the socket takes now of `bytes`, a non-blocking socket's partial write:
    /// the count written, 0 when the socket is full.
    public func writeAvailable(_ bytes: ArraySlice<UInt8>) throws(VirError) -> Int {
        while true {
            let written = bytes.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
            if written >= 0 { return written }
            if errno == EAGAIN { return 0 }
            guard errno == EINTR else { throw Syscall.error("write to socket \(descriptor)", errno: errno, domain: .rpc) }
        }
    }

    /// Shuts both directions down, waking a thread blocked in ``read(into:)``.
    public func shutdown() { _ = Glibc.shutdown(descriptor, Int32(SHUT_RDWR)) }

    /// Closes the descriptor.
    public func close() { _ = Glibc.close(descriptor) }

    /// Connects to the unix socket at `path`.
    public static func connect(to path: String) throws(VirError) -> StreamSocket {
        var address = try SocketListener.address(path)
        return try connect(family: AF_UNIX, name: path) { fd in
            withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
        }
    }

    /// Connects to the TCP `endpoint`.
    public static func connect(to endpoint: TCPEndpoint) throws(VirError) -> StreamSocket {
        try connect(family: endpoint.address.family.addressFamily, name: endpoint.description) { fd in
            endpoint.address.withSocketAddress(port: endpoint.port) { Glibc.connect(fd, $0, $1) }
        }
    }

    private static func connect(family: Int32, name: String, _ connecting: (Int32) -> Int32) throws(VirError) -> StreamSocket {
        let fd = try Syscall.call("socket", domain: .rpc) { socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0) }
        guard connecting(fd) == 0 else {
            let error = Syscall.error("Failed to connect socket to '\(name)'", errno: errno, domain: .rpc)
            Glibc.close(fd)
            throw error
        }
        return StreamSocket(descriptor: fd)
    }
}
