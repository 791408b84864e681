import VirtError

/// A validated upper bound for a counter such as memory bytes or tasks: positive, or unlimited.
public struct CgroupLimit: Sendable, Hashable {
    /// The bound, or nil for no limit.
    public let value: Int64?

    /// Validates `value` (nil means unlimited); `what` names it in the `.invalidArg` error.
    public init(_ value: Int64?, what: String) throws(VirError) {
        if let value, value <= 0 {
            throw VirError(.invalidArg, "\(what) must be greater than 0 (or unlimited), got \(value)", domain: .cgroup)
        }
        self.value = value
    }

    /// The text a cgroup file takes, with `unlimited` as the spelling of no limit.
    func text(unlimited: String) -> String { value.map(String.init) ?? unlimited }
}
