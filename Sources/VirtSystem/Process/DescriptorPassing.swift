import CVirtShim
import Glibc
import VirtError

/// Handing open descriptors to another process over a unix socket (`SCM_RIGHTS`), for
/// example a seccomp listener to the process that answers its notifications.
public enum DescriptorPassing {
    /// Sends `bytes` (at least one) and `descriptors` as one message over the connected
    /// unix socket `socket`. The receiver gets its own copies; ours stay open.
    public static func send(_ bytes: [UInt8], descriptors: [Int32], over socket: Int32) throws(VirError) {
        guard !bytes.isEmpty, descriptors.count <= Int(CVS_MAX_FDS) else {
            throw VirError.invalidArg("a descriptor message needs at least one byte and at most \(CVS_MAX_FDS) descriptors", domain: .none)
        }
        try Syscall.call("send \(descriptors.count) descriptors over socket \(socket)") {
            bytes.withUnsafeBytes { raw in
                descriptors.withUnsafeBufferPointer { fds in
                    cvs_send_fds(socket, raw.baseAddress, raw.count, fds.baseAddress, Int32(fds.count))
                }
            }
        }
    }

    /// Receives one message of up to `capacity` bytes and up to `maxDescriptors`
    /// descriptors (close-on-exec, now the caller's) from the unix socket `socket`. Empty
    /// bytes at the end of the stream.
    public static func receive(capacity: Int, maxDescriptors: Int, from socket: Int32) throws(VirError) -> (bytes: [UInt8], descriptors: [Int32]) {
        var bytes = [UInt8](repeating: 0, count: capacity)
        var fds = [Int32](repeating: -1, count: min(maxDescriptors, Int(CVS_MAX_FDS)))
        var count: Int32 = 0
        let received = try Syscall.call("receive a message over socket \(socket)") {
            bytes.withUnsafeMutableBytes { raw in
                fds.withUnsafeMutableBufferPointer { out in
                    cvs_recv_fds(socket, raw.baseAddress, raw.count, out.baseAddress, Int32(out.count), &count)
                }
            }
        }
        return (Array(bytes.prefix(received)), Array(fds.prefix(Int(count))))
    }
}
