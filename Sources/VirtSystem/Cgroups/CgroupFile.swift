#if canImport(Glibc)
import Glibc
#endif
import VirtError

/// Direct open/read/write/close access to cgroupfs files, with errors mapped to `VirError`.
///
/// Kept free of Foundation: creating and joining cgroups is on the hot path of a
/// container start, where every file costs a few syscalls and nothing more.
enum CgroupFile {
    /// Writes `value` to `path` with one `write(2)`, as cgroupfs expects one value per write.
    static func write(_ value: String, to path: String) throws(VirError) {
        try SystemFile.write(path, value, domain: .cgroup)
    }

    /// The whole content of `path`.
    static func read(_ path: String) throws(VirError) -> String {
        try SystemFile.read(path, domain: .cgroup)
    }

    /// The whole content of the open file `fd`, read from offset 0.
    static func read(fd: Int32, path: String) throws(VirError) -> String {
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        var offset: off_t = 0
        while true {
            let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, offset) }
            if n < 0, errno == EINTR { continue }
            if n < 0 { throw failure("cannot read '\(path)'") }
            if n == 0 { return String(decoding: data, as: UTF8.self) }
            data.append(contentsOf: chunk[..<n])
            offset += off_t(n)
        }
    }

    /// The content of `path` without its trailing newline.
    static func readLine(_ path: String) throws(VirError) -> String {
        var text = try read(path)
        while text.last == "\n" { text.removeLast() }
        return text
    }

    /// The unsigned number that `path` holds.
    static func readNumber(_ path: String) throws(VirError) -> UInt64 {
        let text = try readLine(path)
        guard let value = UInt64(text) else { throw malformed(path, text) }
        return value
    }

    /// The value of `key` in a flat-keyed file such as `memory.events` (`key value` lines).
    static func readKey(_ key: String, in path: String) throws(VirError) -> UInt64 {
        let text = try read(path)
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count == 2, fields[0] == key, let value = UInt64(fields[1]) { return value }
        }
        throw VirError(.operationUnsupported, "'\(path)' has no '\(key)' entry on this kernel", domain: .cgroup)
    }

    /// The numbers listed one per line in `path`, e.g. `cgroup.procs`.
    static func readNumbers(_ path: String) throws(VirError) -> [Int32] {
        let text = try read(path)
        var values: [Int32] = []
        for line in text.split(separator: "\n") {
            guard let value = Int32(line) else { throw malformed(path, String(line)) }
            values.append(value)
        }
        return values
    }

    /// Creates the directory `path`; returns false if it already existed.
    static func makeDirectory(_ path: String) throws(VirError) -> Bool {
        if mkdir(path, 0o755) == 0 { return true }
        if errno == EEXIST { return false }
        throw failure("cannot create cgroup directory '\(path)'")
    }

    /// Removes the cgroup directory `path`; returns false with `errno` set when the kernel
    /// refuses, and true when it is gone (also if it never existed).
    static func removeDirectory(_ path: String) -> Bool {
        rmdir(path) == 0 || errno == ENOENT
    }

    /// The names of the subdirectories (child cgroups) of `path`; empty if it does not exist.
    static func subdirectories(of path: String) throws(VirError) -> [String] {
        try SystemFile.entries(of: path, directoriesOnly: true, domain: .cgroup)
    }

    /// Whether `path` exists.
    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// A `.systemError` for the current `errno`, naming what failed and why.
    static func failure(_ what: String) -> VirError {
        Syscall.error(what, errno: errno, domain: .cgroup)
    }

    /// A `.internalError` for a file whose content is not what the kernel writes.
    static func malformed(_ path: String, _ text: String) -> VirError {
        VirError(.internalError, "unexpected content '\(text)' in '\(path)'", domain: .cgroup)
    }
}
