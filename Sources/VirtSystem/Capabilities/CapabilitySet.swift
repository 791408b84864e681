import VirtError

/// A set of capabilities as the kernel's 64-bit masks hold them (bit *n* is capability *n*),
/// e.g. a bounding set or the `CapEff:` line of `/proc/PID/status`.
public struct CapabilitySet: OptionSet, Hashable, Sendable, CustomStringConvertible {
    /// The mask.
    public var rawValue: UInt64
    /// A set from a mask.
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// A set of the given capabilities.
    public init(_ capabilities: some Sequence<Capability>) {
        self.rawValue = capabilities.reduce(0) { $0 | 1 << UInt64($1.rawValue) }
    }

    /// One capability as a set.
    public init(_ capability: Capability) { self.rawValue = 1 << UInt64(capability.rawValue) }

    /// Parses the hexadecimal mask of `/proc/PID/status` (`000001ffffffffff`).
    public init(hexMask text: some StringProtocol) throws(VirError) {
        guard let mask = UInt64(text.trimmingPrefix("0x"), radix: 16) else {
            throw VirError.invalidArg("invalid capability mask '\(text)'", domain: .none)
        }
        self.rawValue = mask
    }

    /// Parses a list of capability names or numbers separated by commas or blanks
    /// (`"CAP_CHOWN,sys_admin 25"`).
    public init(names text: String) throws(VirError) {
        var set = CapabilitySet()
        for word in text.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" }) {
            guard let capability = Capability(name: String(word)) else {
                throw VirError.invalidArg("unknown capability '\(word)'", domain: .none)
            }
            set.insert(capability)
        }
        self = set
    }

    /// Every capability numbered 0 through `last`, e.g. everything the kernel knows.
    public static func through(_ last: Capability) -> CapabilitySet {
        CapabilitySet(rawValue: last.rawValue == 63 ? .max : (1 << UInt64(last.rawValue + 1)) - 1)
    }

    /// Whether `capability` is in the set.
    public func contains(_ capability: Capability) -> Bool { rawValue >> UInt64(capability.rawValue) & 1 == 1 }

    /// Adds `capability`.
    public mutating func insert(_ capability: Capability) { rawValue |= 1 << UInt64(capability.rawValue) }

    /// Removes `capability`.
    public mutating func remove(_ capability: Capability) { rawValue &= ~(1 << UInt64(capability.rawValue)) }

    /// The members, lowest number first.
    public var capabilities: [Capability] {
        (0..<Int32(64)).compactMap { rawValue >> UInt64($0) & 1 == 1 ? Capability(rawValue: $0) : nil }
    }

    /// The members' names separated by commas (`CAP_CHOWN,CAP_SYS_ADMIN`).
    public var description: String { capabilities.map(\.description).joined(separator: ",") }

    /// The highest capability this kernel knows (`/proc/sys/kernel/cap_last_cap`), read once.
    public static func kernelLast() throws(VirError) -> Capability { try lastCapability.get() }

    private static let lastCapability = Result { () throws(VirError) -> Capability in
        let path = "/proc/sys/kernel/cap_last_cap"
        let text = try SystemFile.readLine(path)
        guard let number = Int32(text),
              let capability = Capability(rawValue: number) else {
            throw VirError(.internalError, "unexpected content of \(path): '\(text)'")
        }
        return capability
    }
}

