import VirtError

/// The library's version. SwiftVirt reports the libvirt API level it implements, so that
/// clients checking `virGetVersion` or `virConnectGetLibVersion` see what they expect.
public enum LibraryVersion {
    /// `LIBVIR_VERSION_NUMBER`: major * 1,000,000 + minor * 1,000 + micro.
    public static let number: UInt64 = 9_000_000

    /// The driver names `virGetVersion` accepts as `type`, compared case-insensitively.
    static let knownTypes = ["test", "lxc", "qemu", "remote"]

    /// Corresponds to `virGetVersion`: the library version and, for a known driver
    /// `type` (or `nil`), that driver's version. An unknown `type` is `VIR_ERR_NO_SUPPORT`.
    public static func version(type: String?) throws(VirError) -> (library: UInt64, type: UInt64) {
        if let type, !knownTypes.contains(type.lowercased()) {
            throw VirError(.noSupport, type)
        }
        return (number, number)
    }

    /// `major.minor.micro` of a libvirt version number.
    public static func format(_ version: UInt64) -> String {
        "\(version / 1_000_000).\(version / 1_000 % 1_000).\(version % 1_000)"
    }
}
