import CVirtShim
import Glibc
import VirtError

/// What tells a process from a later one that reuses its pid, for records that name
/// processes across restarts: the inode number of its pidfd on pidfs (Linux 6.9 on, unique
/// for the whole boot, one `fstat` of a pidfd at hand), or on older kernels its start time
/// in clock ticks from `/proc/PID/stat` (a read that costs a context creation 40 µs here).
public enum ProcessIdentity: Hashable, Sendable, Codable, CustomStringConvertible {
    /// `st_ino` of a pidfd on pidfs.
    case pidfsInode(UInt64)
    /// ``ProcessStat/startTime``.
    case startTime(UInt64)

    /// The identity of the process behind `pidfd`, which names `pid`.
    public static func of(pidfd: Int32, pid: pid_t) throws(VirError) -> ProcessIdentity {
        let inode = try Syscall.call("stat pidfd of \(pid)") { cvs_pidfd_inode(pidfd) }
        return inode > 0 ? .pidfsInode(UInt64(inode)) : .startTime(try ProcessStat.read(pid: pid).startTime)
    }

    /// Whether `pidfd` (naming `pid`) is the process this identity was taken from. Compares
    /// the same kind of identity as was recorded.
    public func matches(pidfd: Int32, pid: pid_t) -> Bool {
        switch self {
        case .pidfsInode:
            return (try? Self.of(pidfd: pidfd, pid: pid)) == self
        case .startTime(let recorded):
            return (try? ProcessStat.read(pid: pid).startTime) == recorded
        }
    }

    /// `pidfs:N` or `start-time:N`, as records keep it.
    public var description: String {
        switch self {
        case .pidfsInode(let inode): "pidfs:\(inode)"
        case .startTime(let ticks): "start-time:\(ticks)"
        }
    }

    /// Parses ``description``; `nil` for anything else.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let value = UInt64(parts[1]) else { return nil }
        switch parts[0] {
        case "pidfs": self = .pidfsInode(value)
        case "start-time": self = .startTime(value)
        default: return nil
        }
    }
}
