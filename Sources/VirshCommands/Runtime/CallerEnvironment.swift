#if canImport(Glibc)
import Glibc
#endif

/// The environment of virtsh, which the commands it runs inside contexts and containers
/// inherit, as a forked child of virsh would.
enum CallerEnvironment {
    /// Every entry, `NAME=value`.
    static func entries() -> [String] {
        var entries: [String] = []
        var cursor = environ
        while let entry = cursor.pointee {
            entries.append(String(cString: entry))
            cursor += 1
        }
        return entries
    }
}
