import VirtError

#if canImport(Glibc)
import Glibc
#endif

/// The save-file format of libvirt's test driver: the 15 bytes "TestGuestMagic\0", the XML
/// length as a little-endian 32-bit integer, then the domain XML. Files written by either
/// libvirt or SwiftVirt restore in the other.
enum SaveImage {
    static let magic: [UInt8] = Array("TestGuestMagic".utf8) + [0]
    static let maximumXMLLength = 8192

    /// Writes `xml` to `path` as a save image.
    static func write(xml: String, to path: String, domainName: String) throws(VirError) {
        let body = Array(xml.utf8)
        let length = UInt32(body.count)
        let bytes = magic + [UInt8(length & 0xff), UInt8(length >> 8 & 0xff), UInt8(length >> 16 & 0xff), UInt8(length >> 24)] + body
        try writeAtomically(bytes, to: path, action: "saving domain '\(domainName)'")
    }

    /// Writes the test driver's core dump: the magic alone, as libvirt's test driver does.
    static func writeCoreDump(to path: String, domainName: String) throws(VirError) {
        try writeAtomically(magic, to: path, action: "dumping domain '\(domainName)'")
    }

    /// Writes `bytes` to `path` atomically (temporary file, fsync, rename), mode 0600.
    private static func writeAtomically(_ bytes: [UInt8], to path: String, action: String) throws(VirError) {
        let temporary = path + ".swiftvirt-tmp"
        func failure(_ step: String) -> VirError {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            return VirError(.systemError, "\(action) to '\(path)': \(step) failed: \(reason)", domain: .test)
        }
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw failure("open") }
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { close(fd); throw failure("write") }
            written += n
        }
        guard fsync(fd) == 0 else { close(fd); throw failure("fsync") }
        guard close(fd) == 0 else { throw failure("close") }
        guard rename(temporary, path) == 0 else { throw failure("rename") }
    }

    /// Reads the XML from a save file, with libvirt's checks and messages.
    static func read(from path: String) throws(VirError) -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw VirError(.systemError, "cannot read domain image '\(path)': \(String(cString: strerror(errno)))", domain: .test)
        }
        defer { close(fd) }
        func readExactly(_ count: Int) -> [UInt8]? {
            var buffer = [UInt8](repeating: 0, count: count)
            var got = 0
            errno = 0
            while got < count {
                let n = buffer[got...].withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return nil }
                got += n
            }
            return buffer
        }
        func systemError(_ what: String) -> VirError {
            VirError(.systemError, "\(what) in '\(path)': \(String(cString: strerror(errno)))", domain: .test)
        }
        guard let header = readExactly(magic.count) else { throw systemError("incomplete save header") }
        guard header == magic else { throw VirError(.internalError, "mismatched header magic", domain: .test) }
        guard let lengthBytes = readExactly(4) else { throw systemError("failed to read metadata length") }
        let length = Int(Int32(bitPattern: UInt32(lengthBytes[0]) | UInt32(lengthBytes[1]) << 8 | UInt32(lengthBytes[2]) << 16 | UInt32(lengthBytes[3]) << 24))
        guard length >= 1, length <= maximumXMLLength else {
            throw VirError(.internalError, "length of metadata out of range", domain: .test)
        }
        guard let body = readExactly(length) else { throw systemError("incomplete metadata") }
        return String(decoding: body, as: UTF8.self)
    }
}
