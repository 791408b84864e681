import VirtError

/// A validated device-cgroup rule such as `c 1:3 rwm` (v1 `devices.allow`/`devices.deny`).
public struct DeviceRule: Sendable, Hashable, CustomStringConvertible {
    /// Which devices a rule matches.
    public enum Kind: Character, Sendable, Hashable {
        /// Every device (`a`); the numbers and access are ignored by the kernel.
        case all = "a"
        /// Character devices (`c`).
        case char = "c"
        /// Block devices (`b`).
        case block = "b"
    }

    /// The kind of device.
    public let kind: Kind
    /// The major number, or nil for any (`*`).
    public let major: UInt32?
    /// The minor number, or nil for any (`*`).
    public let minor: UInt32?
    /// The access letters, a non-empty subset of `rwm` in that order.
    public let access: String

    /// Validates a rule or throws `.invalidArg`.
    public init(_ kind: Kind, major: UInt32?, minor: UInt32?, access: String = "rwm") throws(VirError) {
        let letters = Set(access)
        guard !access.isEmpty, letters.isSubset(of: ["r", "w", "m"]), letters.count == access.count else {
            throw VirError(.invalidArg, "invalid device access '\(access)': expected a non-empty subset of 'rwm'", domain: .cgroup)
        }
        self.kind = kind
        self.major = major
        self.minor = minor
        self.access = "rwm".filter(letters.contains)
    }

    /// Parses a rule as ``description`` writes it: `a`, or `c 1:3 rwm` with `*` for any number.
    public init(parsing text: String) throws(VirError) {
        let fields = text.split(separator: " ")
        if fields == ["a"] {
            self = .everything
            return
        }
        let numbers = fields.count == 3 ? fields[1].split(separator: ":", omittingEmptySubsequences: false) : []
        guard fields.count == 3, fields[0].count == 1, let kind = Kind(rawValue: fields[0].first ?? "a"), kind != .all,
              numbers.count == 2 else {
            throw VirError(.invalidArg, "invalid device rule '\(text)'", domain: .cgroup)
        }
        func number(_ field: Substring) throws(VirError) -> UInt32? {
            if field == "*" { return nil }
            guard let value = UInt32(field) else { throw VirError(.invalidArg, "invalid device number in '\(text)'", domain: .cgroup) }
            return value
        }
        try self.init(kind, major: try number(numbers[0]), minor: try number(numbers[1]), access: String(fields[2]))
    }

    /// The rule that matches every device with every access (`a`), used for default-deny.
    public static let everything = DeviceRule(uncheckedKind: .all)

    /// The rule as the kernel reads it: `a`, or `c 1:3 rwm` with `*` for any number.
    public var description: String {
        guard kind != .all else { return "a" }
        return "\(kind.rawValue) \(major.map(String.init) ?? "*"):\(minor.map(String.init) ?? "*") \(access)"
    }

    private init(uncheckedKind kind: Kind) {
        self.kind = kind
        major = nil
        minor = nil
        access = "rwm"
    }
}
