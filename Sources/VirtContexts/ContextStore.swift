import FoundationEssentials
import VirtError
import VirtSystem

#if canImport(Glibc)
import Glibc
#endif

/// The run directory where contexts live across processes: `ROOT/<xid>/` holds the record
/// (`record`) and the small files the keeper reads and writes. Writes are
/// atomic (temporary file, rename), so a reader never sees a torn file. They are not
/// fsynced: this is run state, which describes processes that a host crash ends anyway,
/// and an fsync costs milliseconds on a disk-backed /run.
struct ContextStore: Sendable {
    let root: String

    func directory(_ xid: UInt32) -> String { "\(root)/\(xid)" }
    func path(_ xid: UInt32, _ name: String) -> String { "\(directory(xid))/\(name)" }

    /// Creates the root (0700) if needed.
    func prepare() throws(VirError) {
        try makeDirectory(root, recursive: true)
    }

    /// Runs `body` holding an exclusive lock on the root, so that two processes cannot create
    /// the same xid at once.
    func locked<R>(_ body: () throws(VirError) -> R) throws(VirError) -> R {
        let fd = try Syscall.call("open \(root)/.lock", domain: .none) { open(root + "/.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600) }
        defer { close(fd) }
        _ = try Syscall.call("flock \(root)/.lock", domain: .none) { flock(fd, LOCK_EX) }
        return try body()
    }

    func makeDirectory(_ path: String, recursive: Bool = false) throws(VirError) {
        if recursive {
            var partial = ""
            for component in path.split(separator: "/") {
                partial += "/" + component
                if mkdir(partial, 0o700) != 0 && errno != EEXIST { throw Syscall.error("mkdir \(partial)", errno: errno) }
            }
        } else if mkdir(path, 0o700) != 0 && errno != EEXIST {
            throw Syscall.error("mkdir \(path)", errno: errno)
        }
    }

    /// Writes `text` as file `name` of context `xid`, atomically.
    func write(_ xid: UInt32, _ name: String, _ text: String) throws(VirError) {
        try AtomicFile.replace(path(xid, name), with: Array(text.utf8))
    }

    /// File `name` of context `xid`, or `nil` if absent.
    func read(_ xid: UInt32, _ name: String) -> String? {
        try? SystemFile.read(path(xid, name))
    }

    func readHex(_ xid: UInt32, _ name: String) -> UInt64 {
        read(xid, name).flatMap { UInt64($0.trimmedLine, radix: 16) } ?? 0
    }

    func writeHex(_ xid: UInt32, _ name: String, _ value: UInt64) throws(VirError) {
        try write(xid, name, String(value, radix: 16) + "\n")
    }

    func record(_ xid: UInt32) throws(VirError) -> ContextRecord? {
        guard let text = read(xid, "record") else { return nil }
        return try ContextRecord(parsing: text)
    }

    /// Whether context `xid` has a record, live or dead (without reading it).
    func hasRecord(_ xid: UInt32) -> Bool {
        access(path(xid, "record"), F_OK) == 0
    }

    func save(_ record: ContextRecord) throws(VirError) {
        try AtomicFile.replace(path(record.xid, "record"), with: record.encoded())
    }

    /// Every xid that has a directory, live or not.
    func recordedXIDs() -> [UInt32] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(UInt32.init).sorted()
    }

    /// Opens the context's directory, for the keeper and the init (`--state-dir-fd`).
    func openDirectory(_ xid: UInt32) throws(VirError) -> Int32 {
        try Syscall.call("open \(directory(xid))") { open(directory(xid), O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
    }

    /// Writes file `name` of a state directory just made (open as `directory`), which no
    /// reader knows yet: straight into place, with no temporary file to rename.
    func writeNew(_ directory: Int32, _ name: String, _ text: String) throws(VirError) {
        let fd = try Syscall.call("create \(name) in a new context's state directory") {
            openat(directory, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        let written = try Syscall.call("write \(name) in a new context's state directory") { Glibc.write(fd, bytes, bytes.count) }
        guard written == bytes.count else { throw VirError(.operationFailed, "short write of \(name) in a new context's state directory", domain: .none) }
    }

    /// Removes the context's directory and its files. The keeper may record a late `status`
    /// into it meanwhile (it writes through a descriptor of the directory), so a removal
    /// that raced with it is retried.
    func remove(_ xid: UInt32) {
        Self.removeTree(directory(xid))
    }

    /// Removes `path` and everything under it, retrying a few times while something else
    /// still writes into it.
    static func removeTree(_ path: String) {
        for _ in 0..<20 {
            try? FileManager.default.removeItem(atPath: path)
            guard access(path, F_OK) == 0 else { return }
            usleep(10_000)
        }
    }
}

extension StringProtocol {
    /// The text without leading and trailing blanks and line breaks, as the one-line files of
    /// a state directory are read.
    var trimmedLine: String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice = slice.dropFirst() }
        while let last = slice.last, last.isWhitespace { slice = slice.dropLast() }
        return String(slice)
    }
}
