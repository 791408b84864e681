import VirtError

/// A validated CPU weight in cgroup v1 units (`cpu.shares`, 2…262144, default 1024).
///
/// On cgroup v2 it becomes `cpu.weight` (1…10000) with the linear mapping that runc and
/// crun use: `weight = 1 + (shares - 2) * 9999 / 262142`.
public struct CPUShares: Sendable, Hashable {
    /// The smallest value v1 accepts.
    public static let minimum: UInt64 = 2
    /// The largest value v1 accepts.
    public static let maximum: UInt64 = 262_144

    /// The shares, within `minimum...maximum`.
    public let shares: UInt64

    /// Validates `shares` or throws `.invalidArg`.
    public init(_ shares: UInt64) throws(VirError) {
        guard (Self.minimum...Self.maximum).contains(shares) else {
            throw VirError(.invalidArg, "cpu shares must be within \(Self.minimum)...\(Self.maximum), got \(shares)", domain: .cgroup)
        }
        self.shares = shares
    }

    /// Converts a v2 `cpu.weight` (1…10000) back to shares, inverting ``v2Weight``.
    public init(v2Weight weight: UInt64) throws(VirError) {
        guard (1...10_000).contains(weight) else {
            throw VirError(.invalidArg, "cpu weight must be within 1...10000, got \(weight)", domain: .cgroup)
        }
        try self.init(2 + ((weight - 1) * 262_142 + 9_998) / 9_999)
    }

    /// The equivalent v2 `cpu.weight`.
    public var v2Weight: UInt64 { 1 + ((shares - 2) * 9_999) / 262_142 }
}
