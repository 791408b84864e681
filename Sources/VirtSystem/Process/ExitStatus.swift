import Glibc

/// How a process ended.
public enum ExitStatus: Hashable, Sendable, CustomStringConvertible {
    /// It called `exit` with this code.
    case exited(Int32)
    /// A signal killed it.
    case signaled(Int32, coreDumped: Bool)
    /// It ended, but it was not our child, and the kernel told us nothing more: it keeps no
    /// status before Linux 6.15, or the parent did not reap it in time.
    case unavailable

    /// `"exited with code 1"`, `"killed by signal 9"`, …
    public var description: String {
        switch self {
        case .exited(let code): "exited with code \(code)"
        case .signaled(let signal, let core): "killed by signal \(signal)\(core ? " (core dumped)" : "")"
        case .unavailable: "exited (status unavailable: not our child)"
        }
    }

    /// The status `waitid` reported as `si_code` and `si_status`, or `nil` for a process that
    /// has not ended (still running, stopped or continued).
    init?(waitCode code: Int32, value: Int32) {
        switch code {
        case Int32(CLD_EXITED): self = .exited(value)
        case Int32(CLD_KILLED): self = .signaled(value, coreDumped: false)
        case Int32(CLD_DUMPED): self = .signaled(value, coreDumped: true)
        default: return nil
        }
    }

    /// Whether it exited with code 0.
    public var isSuccess: Bool { self == .exited(0) }
}
