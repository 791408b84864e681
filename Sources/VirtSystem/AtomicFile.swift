import Glibc
import VirtError

/// Files replaced whole and atomically: written to a temporary file beside them, then
/// renamed over them, so that a reader sees the old content or the new, never a torn file.
public enum AtomicFile {
    /// Replaces `path` with `bytes` (mode 0600). `durable` also fsyncs the file and its
    /// directory, for definitions that must survive a host crash; run state skips that, since
    /// an fsync costs milliseconds on a disk. Errors carry `domain`; a failed write leaves
    /// `path` as it was.
    public static func replace(_ path: String, with bytes: [UInt8], durable: Bool = false, domain: ErrorDomain = .none) throws(VirError) {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        let temporary = directory + "/.\(name).tmp"
        let fd = try Syscall.call("open \(temporary)", domain: domain) { open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600) }
        var failure: VirError?
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { failure = Syscall.error("write \(temporary)", errno: errno, domain: domain); return }
                offset += n
            }
        }
        if failure == nil, durable, fsync(fd) != 0 { failure = Syscall.error("fsync \(temporary)", errno: errno, domain: domain) }
        close(fd)
        if failure == nil, rename(temporary, path) != 0 { failure = Syscall.error("rename \(temporary)", errno: errno, domain: domain) }
        if let failure {
            unlink(temporary)
            throw failure
        }
        if durable {
            let directoryFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if directoryFD >= 0 {
                fsync(directoryFD)
                close(directoryFD)
            }
        }
    }
}
