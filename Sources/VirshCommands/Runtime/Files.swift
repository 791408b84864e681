#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading the XML files commands are given.
enum Files {
    /// The contents of `path`; fails as virsh does: `Failed to open file 'PATH': <reason>`.
    static func read(_ path: String) throws(VirshError) -> String {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw VirshError("Failed to open file '\(path)': \(errnoText())", code: .systemError) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 { throw VirshError("Failed to read file '\(path)': \(errnoText())", code: .systemError) }
            if count == 0 { break }
            bytes += chunk[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func errnoText() -> String {
        String(cString: strerror(errno))
    }
}
