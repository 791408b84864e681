import VirtError

/// A validated Linux CPU or memory-node list such as `0-3,8,10-11`, as `cpuset.cpus` and
/// `cpuset.mems` take it.
public struct CPUList: Sendable, Hashable, CustomStringConvertible {
    /// The list, exactly as validated.
    public let description: String

    /// Validates `text`: comma-separated numbers or `a-b` ranges with `a <= b`, not empty.
    public init(_ text: String) throws(VirError) {
        let items = text.split(separator: ",", omittingEmptySubsequences: false)
        let valid = !text.isEmpty && items.allSatisfy { item in
            let bounds = item.split(separator: "-", omittingEmptySubsequences: false)
            let numbers = bounds.compactMap { $0.allSatisfy(\.isASCII) ? UInt32($0) : nil }
            return numbers.count == bounds.count && (numbers.count == 1 || (numbers.count == 2 && numbers[0] <= numbers[1]))
        }
        guard valid else {
            throw VirError(.invalidArg, "invalid cpuset list '\(text)': expected e.g. '0-3,5'", domain: .cgroup)
        }
        description = text
    }
}
