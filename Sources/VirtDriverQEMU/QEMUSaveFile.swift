import Glibc
import VirtError

/// libvirt's QEMU save image (`virQEMUSaveHeader`, version 2): the 16 bytes
/// `LibvirtQemudSave`, then five little-endian 32-bit words (version, the length of the
/// XML with its NUL, whether the guest was running, the format (0: raw), the cookie's
/// offset) and fifteen unused ones, then the domain XML, then QEMU's migration stream.
struct QEMUSaveFile {
    static let magic = Array("LibvirtQemudSave".utf8)
    static let headerSize = 16 + 20 * 4
    /// The longest XML a restore reads: a bound, so that a corrupt header allocates nothing huge.
    static let maximumXMLLength: UInt32 = 16 << 20

    /// The domain definition to restore.
    var xml: String
    /// Whether the guest runs after a restore (unless its flags say otherwise).
    var wasRunning: Bool

    /// Creates `path` (mode 0600, replacing a file there) with the header and XML; returns
    /// its descriptor, positioned where the migration stream goes.
    func create(_ path: String) throws(VirError) -> Int32 {
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw VirError(.systemError, "Failed to create file '\(path)': \(String(cString: strerror(errno)))", domain: .qemu) }
        let body = Array(xml.utf8) + [0]
        var bytes = Self.magic
        for word in [2, UInt32(body.count), wasRunning ? 1 : 0, 0, 0] + [UInt32](repeating: 0, count: 15) {
            bytes += [UInt8(word & 0xff), UInt8(word >> 8 & 0xff), UInt8(word >> 16 & 0xff), UInt8(word >> 24)]
        }
        bytes += body
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                let error = VirError(.systemError, "failed to write header to domain save file '\(path)': \(String(cString: strerror(errno)))", domain: .qemu)
                close(fd)
                unlink(path)
                throw error
            }
            written += count
        }
        return fd
    }

    /// Opens the save image at `path` and reads its header and XML: the image, and its
    /// descriptor positioned at the migration stream.
    static func open(_ path: String) throws(VirError) -> (QEMUSaveFile, Int32) {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw VirError(.systemError, "Failed to open domain image file '\(path)': \(String(cString: strerror(errno)))", domain: .qemu) }
        func fail(_ message: String) -> VirError {
            close(fd)
            return VirError(.operationFailed, message, domain: .qemu)
        }
        var header = [UInt8](repeating: 0, count: headerSize)
        guard header.withUnsafeMutableBytes({ read(fd, $0.baseAddress, headerSize) }) == headerSize else { throw fail("failed to read qemu header") }
        guard Array(header[0..<16]) == magic else { throw fail("image magic is incorrect") }
        func word(_ index: Int) -> UInt32 {
            (0..<4).reduce(UInt32(0)) { $0 | UInt32(header[16 + index * 4 + $1]) << (8 * $1) }
        }
        guard word(0) == 2 else { throw fail("image version is not supported (\(word(0)) > 2)") }
        guard word(1) > 0, word(1) <= maximumXMLLength else { throw fail("invalid XML length: \(word(1))") }
        guard word(3) == 0 else { throw fail("compressed save images are not supported") }
        var body = [UInt8](repeating: 0, count: Int(word(1)))
        guard body.withUnsafeMutableBytes({ read(fd, $0.baseAddress, $0.count) }) == body.count else { throw fail("failed to read domain XML") }
        let xml = String(decoding: body.prefix { $0 != 0 }, as: UTF8.self)
        return (QEMUSaveFile(xml: xml, wasRunning: word(2) != 0), fd)
    }
}
