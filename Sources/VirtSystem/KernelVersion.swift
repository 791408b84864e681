import Glibc

/// The running kernel's version, from uname(2)'s release ("6.18.44-fc-v657" is 6.18.44).
public struct KernelVersion: Sendable, Hashable {
    /// The major, minor and patch numbers; missing ones are 0.
    public let major: UInt64, minor: UInt64, patch: UInt64

    /// The kernel this process runs on.
    public static let running: KernelVersion = {
        var names = utsname()
        uname(&names)
        let release = withUnsafeBytes(of: names.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let numbers = release.split(whereSeparator: { !$0.isNumber }).prefix(3).compactMap { UInt64($0) }
        return KernelVersion(numbers + Array(repeating: 0, count: max(0, 3 - numbers.count)))
    }()

    private init(_ numbers: [UInt64]) {
        major = numbers[0]
        minor = numbers[1]
        patch = numbers[2]
    }

    /// Whether this version is `major.minor` or later.
    public func isAtLeast(_ major: UInt64, _ minor: UInt64) -> Bool {
        (self.major, self.minor) >= (major, minor)
    }
}
