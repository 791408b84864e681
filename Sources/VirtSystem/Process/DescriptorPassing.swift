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
}
