import VirtError

/// A validated cgroup path relative to the root of every hierarchy, e.g. `swiftvirt/ctx-42`.
///
/// Components are non-empty, are not `.` or `..`, and contain no `/`, NUL or newline, so a
/// path can never leave the hierarchy it is applied to.
public struct CgroupPath: Sendable, Hashable, CustomStringConvertible {
    /// The path's components, outermost first. Empty for the root cgroup.
    public let components: [String]

    /// Validates `text` (leading and trailing `/` are ignored) or throws `.invalidArg`.
    public init(_ text: String) throws(VirError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        var trimmed = parts[...]
        if trimmed.first == "" { trimmed = trimmed.dropFirst() }
        if trimmed.last == "" { trimmed = trimmed.dropLast() }
        for part in trimmed {
            guard !part.isEmpty, part != ".", part != "..", part.utf8.count <= 255,
                  !part.contains("\0"), !part.contains("\n") else {
                throw VirError(.invalidArg, "invalid cgroup path '\(text)': bad component '\(part)'", domain: .cgroup)
            }
        }
        components = trimmed.map(String.init)
    }

    /// The root cgroup of a hierarchy.
    public static let root = CgroupPath(uncheckedComponents: [])

    /// The path `a/b/c`, without a leading slash; empty for the root cgroup.
    public var description: String { components.joined(separator: "/") }

    private init(uncheckedComponents: [String]) { components = uncheckedComponents }
}
