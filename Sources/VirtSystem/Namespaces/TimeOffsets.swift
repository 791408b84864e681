#if canImport(Glibc)
import Glibc
#endif

/// The clock offsets of a new time namespace (`/proc/PID/timens_offsets`).
///
/// Only `CLOCK_MONOTONIC` and `CLOCK_BOOTTIME` can be offset; `CLOCK_REALTIME` is shared
/// with the host. Offsets may be negative, e.g. to make the uptime inside start near zero.
public struct TimeOffsets: Sendable, Hashable {
    /// Added to `CLOCK_MONOTONIC`, in nanoseconds.
    public var monotonic: Int64
    /// Added to `CLOCK_BOOTTIME` (what `/proc/uptime` shows), in nanoseconds.
    public var boottime: Int64

    /// Offsets in nanoseconds.
    public init(monotonic: Int64 = 0, boottime: Int64 = 0) {
        self.monotonic = monotonic
        self.boottime = boottime
    }

    /// Offsets that make both clocks start at zero now: a new namespace's uptime counts
    /// from its creation.
    public static func sinceNow() -> TimeOffsets {
        func nanoseconds(_ clock: clockid_t) -> Int64 {
            var now = timespec()
            clock_gettime(clock, &now)
            return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
        }
        return TimeOffsets(monotonic: -nanoseconds(CLOCK_MONOTONIC), boottime: -nanoseconds(CLOCK_BOOTTIME))
    }

    /// The text the kernel expects: one "clock seconds nanoseconds" line per clock, with
    /// the nanoseconds in 0..<1e9 and the sign carried by the seconds.
    var procText: String {
        func line(_ clock: String, _ offset: Int64) -> String {
            let (seconds, nanoseconds) = offset.floorDivided(by: 1_000_000_000)
            return "\(clock) \(seconds) \(nanoseconds)\n"
        }
        return line("monotonic", monotonic) + line("boottime", boottime)
    }
}

extension Int64 {
    /// Quotient rounded down and the matching non-negative remainder.
    fileprivate func floorDivided(by divisor: Int64) -> (Int64, Int64) {
        let (q, r) = quotientAndRemainder(dividingBy: divisor)
        return r < 0 ? (q - 1, r + divisor) : (q, r)
    }
}
