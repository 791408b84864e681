import Glibc
import JSON
import VirtError
import VirtSystem
import VirtXML

/// What the driver does to disk images itself: `qemu-img` for shut-off domains, and a
/// qcow2 header's backing-file field, read (never a format probe) to check that an image
/// opens only the files its definition allows.
enum QEMUImages {
    static let tool = "/usr/bin/qemu-img"

    /// Runs `qemu-img` with `arguments`; its own words are the error when it fails.
    static func run(_ arguments: [String]) async throws(VirError) {
        let outcome = try await ToolRun.run([tool] + arguments, domain: .qemu)
        guard outcome.status.isSuccess else {
            let said = outcome.output.split(separator: "\n").last.map(String.init) ?? outcome.status.description
            throw VirError(.operationFailed, "qemu-img \(arguments.first ?? "") failed: \(said)", domain: .qemu)
        }
    }

    /// `qemu-img snapshot -c/-a/-d NAME`: creates, applies or deletes an internal snapshot.
    /// The image is named as a `json:` filename that says its format and opens no backing
    /// file, so that qemu-img probes nothing.
    static func internalSnapshot(_ action: InternalAction, _ name: String, image: String) async throws(VirError) {
        let opened = JSONValue.object([
            ("driver", .string("qcow2")), ("file", .object([("driver", .string("file")), ("filename", .string(image))])), ("backing", .null),
        ])
        try await run(["snapshot", "-q", action.rawValue, name, "json:" + opened.serialized])
    }

    /// What ``internalSnapshot(_:_:image:)`` does.
    enum InternalAction: String {
        case create = "-c", apply = "-a", delete = "-d"
    }

    /// A new qcow2 overlay at `path` on top of `backing` (in `format`, given, not probed).
    /// With `size`, the backing image is not opened (a running QEMU holds it).
    static func createOverlay(_ path: String, backing: String, format: String, size: UInt64? = nil) async throws(VirError) {
        try await run(["create", "-q", "-f", "qcow2", "-F", format, "-b", backing] + (size.map { ["-u", path, "\($0)"] } ?? [path]))
    }

    /// Writes the overlay `path`'s data into its backing image.
    static func commit(_ path: String) async throws(VirError) {
        try await run(["commit", "-q", "-f", "qcow2", path])
    }

    /// The backing file that the qcow2 header of `path` names, made absolute against the
    /// image's directory; nil when it names none.
    static func qcow2BackingFile(of path: String) throws(VirError) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw cannotAccess(path) }
        defer { close(fd) }
        var header = [UInt8](repeating: 0, count: 20)
        guard header.withUnsafeMutableBytes({ pread(fd, $0.baseAddress, 20, 0) }) == 20, header[0..<4] == [0x51, 0x46, 0x49, 0xfb] else {
            throw VirError(.operationInvalid, "image \(path) is not a qcow2 image", domain: .qemu)
        }
        let offset = header[8..<16].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let length = header[16..<20].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        guard offset != 0, length != 0 else { return nil }
        guard length <= 1023 else { throw VirError(.operationInvalid, "image \(path) has a corrupt backing file name", domain: .qemu) }
        var name = [UInt8](repeating: 0, count: Int(length))
        guard name.withUnsafeMutableBytes({ pread(fd, $0.baseAddress, Int(length), off_t(offset)) }) == Int(length) else {
            throw VirError(.operationInvalid, "image \(path) has a corrupt backing file name", domain: .qemu)
        }
        let backing = String(decoding: name, as: UTF8.self)
        guard !backing.hasPrefix("/") else { return backing }
        let directory = path.lastIndex(of: "/").map { String(path[...$0]) } ?? ""
        return directory + backing
    }

    /// libvirt's error for a disk image that is not there.
    static func cannotAccess(_ path: String) -> VirError {
        VirError(.systemError, "Cannot access storage file '\(path)': \(String(cString: strerror(errno)))", domain: .qemu)
    }
}

extension DiskDevice {
    /// The images the disk opens, top first: its source, then its backing chain.
    var images: [DiskImage] {
        guard let source else { return [] }
        return [DiskImage(type: type, format: driverType ?? "raw", source: source)] + backingChain
    }

    /// Whether the guest may write to it (its top image).
    var isWritable: Bool { !readonly && device != "cdrom" }

    /// Checks that every image exists and that each qcow2 names as its backing file exactly
    /// the next image of the definition's chain, and none after the last.
    func checkImages() throws(VirError) {
        let images = self.images
        for (index, image) in images.enumerated() {
            guard access(image.source, F_OK) == 0 else { throw QEMUImages.cannotAccess(image.source) }
            guard image.format == "qcow2" else { continue }
            let named = try QEMUImages.qcow2BackingFile(of: image.source)
            let declared = index + 1 < images.count ? images[index + 1].source : nil
            if named != declared {
                let has = named.map { "has backing file \($0)" } ?? "has no backing file"
                let allows = declared.map { "declares \($0) as its <backingStore>" } ?? "declares no <backingStore> for it"
                throw VirError(.operationInvalid, "disk \(target): image \(image.source) \(has), but the definition \(allows)", domain: .qemu)
            }
        }
    }
}

extension DomainDefinition {
    /// Checks the disks of a domain about to start: their images (``DiskDevice/checkImages()``),
    /// and that no image one of them writes is used by a running domain of `others`, nor
    /// one they write used by it.
    func checkDisks(against others: [DomainDefinition]) throws(VirError) {
        for disk in devices.disks { try disk.checkImages() }
        for other in others {
            for disk in devices.disks where !disk.shareable {
                for otherDisk in other.devices.disks where !otherDisk.shareable {
                    let clash = (disk.isWritable ? disk.images.prefix(1) : []).contains { image in otherDisk.images.contains { $0.source == image.source } }
                        || (otherDisk.isWritable ? otherDisk.images.prefix(1) : []).contains { image in disk.images.contains { $0.source == image.source } }
                    if clash {
                        throw VirError(.operationInvalid, "disk \(disk.target) (\(disk.source ?? "")) is in use by running domain '\(other.name)'", domain: .qemu)
                    }
                }
            }
        }
    }
}
