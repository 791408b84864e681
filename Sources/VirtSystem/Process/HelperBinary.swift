import CVirtShim
import Glibc
import VirtError

/// SwiftVirt's helper programs (`swiftvirt-init`, `swiftvirt-keeper`, `swiftvirt-enter`):
/// where they are, and sealed copies of them to execute.
public enum HelperBinary {
    /// The helper `name`: `$override` if set, else the one next to this executable, else
    /// the one under /usr/libexec/swiftvirt.
    public static func locate(_ name: String, override: String) -> String {
        if let explicit = getenv(override) { return String(cString: explicit) }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if length > 0 {
            let me = String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if let slash = me.lastIndex(of: "/") {
                let sibling = String(me[...slash]) + name
                if access(sibling, X_OK) == 0 { return sibling }
            }
        }
        return "/usr/libexec/swiftvirt/\(name)"
    }

    /// A sealed memfd copy (close-on-exec) of the program at `path`, to execute with
    /// ``SpawnPlan/Executable/descriptor(_:)``: a process running it has no link to a file
    /// anyone could write, even through `/proc/PID/exe`. The caller closes it.
    public static func sealedCopy(of path: String) throws(VirError) -> Int32 {
        let file = try Syscall.call("open \(path)") { open(path, O_RDONLY | O_CLOEXEC) }
        defer { close(file) }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return try Syscall.call("make a sealed copy of \(path)") { cvs_sealed_copy(file, name) }
    }
}
