import Glibc
import VirtError

/// The one funnel every system call of VirtSystem goes through.
///
/// It retries calls interrupted by a signal (`EINTR`) and turns a failure into a
/// `VIR_ERR_SYSTEM_ERROR` whose message is "*what*: *strerror*".
public enum Syscall {
    /// Runs `body`, a call that returns -1 and sets `errno` on failure, until it is not
    /// interrupted, and returns its result.
    ///
    /// - Parameters:
    ///   - what: what was attempted, e.g. `"open /proc/1/stat"`; built only on failure.
    ///   - domain: the `VIR_FROM_*` domain of the error.
    @discardableResult
    public static func call<T: FixedWidthInteger>(
        _ what: @autoclosure () -> String, domain: ErrorDomain = .none, _ body: () -> T
    ) throws(VirError) -> T {
        while true {
            let result = body()
            if result != -1 { return result }
            let code = errno
            if code != EINTR { throw error(what(), errno: code, domain: domain) }
        }
    }

    /// The error for a call that failed with `errno`: "*what*: *strerror*", with the errno in
    /// `int1`, where libvirt's system errors carry it.
    public static func error(_ what: String, errno code: Int32, domain: ErrorDomain = .none) -> VirError {
        var error = VirError(.systemError, "\(what): \(String(cString: strerror(code)))", domain: domain)
        error.int1 = code
        return error
    }
}
