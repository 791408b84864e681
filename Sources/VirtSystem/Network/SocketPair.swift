import Glibc
import VirtError

/// A connected pair of unix stream sockets.
public enum SocketPair {
    /// Two connected, close-on-exec unix stream sockets; the caller closes both.
    public static func make(domain: ErrorDomain = .none) throws(VirError) -> (Int32, Int32) {
        var ends: [Int32] = [-1, -1]
        try Syscall.call("socketpair", domain: domain) { socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &ends) }
        return (ends[0], ends[1])
    }
}
