import Glibc
import VirtError

/// Whole-file reads and writes of small kernel files (`/proc`, `/sys`), and directory
/// listings, through the syscall funnel and without Foundation.
public enum SystemFile {
    /// The contents of `path` as UTF-8 text. Reads until end of file. Errors carry `domain`.
    public static func read(_ path: String, domain: ErrorDomain = .none) throws(VirError) -> String {
        let fd = try Syscall.call("open \(path)", domain: domain) { open(path, O_RDONLY | O_CLOEXEC) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = try Syscall.call("read \(path)", domain: domain) {
                chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The first line of `path`, without its newline, e.g. of `/proc/sys/kernel/cap_last_cap`.
    public static func readLine(_ path: String) throws(VirError) -> String {
        String(try read(path).prefix { $0 != "\n" })
    }

    /// Writes `text` to the existing file `path` in one `write(2)`, as kernel files expect
    /// (a short write is an error). The file is truncated first, so that a plain file (a fake
    /// cgroupfs in tests) ends up holding exactly `text`. Errors carry `domain`.
    public static func write(_ path: String, _ text: String, domain: ErrorDomain = .none) throws(VirError) {
        let fd = try Syscall.call("open \(path)", domain: domain) { open(path, O_WRONLY | O_TRUNC | O_CLOEXEC) }
        defer { close(fd) }
        var text = text
        let written = try Syscall.call("write '\(text)' to \(path)", domain: domain) {
            text.withUTF8 { Glibc.write(fd, $0.baseAddress, $0.count) }
        }
        if written != text.utf8.count {
            throw VirError(.systemError, "write \(path): short write (\(written) of \(text.utf8.count) bytes)", domain: domain)
        }
    }

    /// The names in directory `path` (without "." and ".."), only subdirectories when
    /// `directoriesOnly`; empty if it does not exist. Errors carry `domain`.
    public static func entries(of path: String, directoriesOnly: Bool = false, domain: ErrorDomain = .none) throws(VirError) -> [String] {
        guard let directory = opendir(path) else {
            if errno == ENOENT { return [] }
            throw Syscall.error("cannot list directory '\(path)'", errno: errno, domain: domain)
        }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            if directoriesOnly && entry.pointee.d_type != UInt8(DT_DIR) { continue }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
