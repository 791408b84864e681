import VirtError

/// A validated CFS bandwidth limit: at most `quota` microseconds of CPU time every `period`.
///
/// v1 writes `cpu.cfs_period_us` and `cpu.cfs_quota_us` (`-1` for no limit); v2 writes
/// `cpu.max` as `"QUOTA PERIOD"` (`max` for no limit).
public struct CPUQuota: Sendable, Hashable {
    /// The period bounds the kernel accepts, in microseconds.
    public static let periodRange: ClosedRange<UInt64> = 1_000...1_000_000
    /// The smallest quota the kernel accepts, in microseconds.
    public static let minimumQuota: UInt64 = 1_000

    /// CPU time allowed per period in microseconds, or nil for no limit.
    public let quota: UInt64?
    /// The accounting period in microseconds.
    public let period: UInt64

    /// Validates the pair or throws `.invalidArg`.
    public init(quota: UInt64?, period: UInt64 = 100_000) throws(VirError) {
        guard Self.periodRange.contains(period) else {
            throw VirError(.invalidArg, "cpu period must be within \(Self.periodRange) microseconds, got \(period)", domain: .cgroup)
        }
        if let quota, quota < Self.minimumQuota || quota > UInt64(Int64.max) {
            throw VirError(.invalidArg, "cpu quota must be at least \(Self.minimumQuota) microseconds, got \(quota)", domain: .cgroup)
        }
        self.quota = quota
        self.period = period
    }
}
