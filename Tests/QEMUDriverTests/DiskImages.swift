import Foundation
import SwiftVirt

/// qcow2 images for the snapshot tests, made and inspected with Debian's qemu-img and
/// qemu-io (qemu-utils, installed by `scripts/install-test-deps`).
enum DiskImages {
    /// Runs a qemu-utils tool; its output and error, and whether it exited 0.
    @discardableResult
    static func tool(_ name: String, _ arguments: [String]) throws -> (output: String, ok: Bool) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/\(name)")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (String(decoding: data, as: UTF8.self), process.terminationStatus == 0)
    }

    /// A new 16 MiB qcow2 image at `path`, its first 64 KiB filled with `pattern`.
    static func make(_ path: String, pattern: UInt8) throws {
        try tool("qemu-img", ["create", "-q", "-f", "qcow2", path, "16M"])
        try write(pattern, to: path)
    }

    /// The disk most tests start from: a new `ROOT/disk.qcow2` (``make(_:pattern:)``) holding
    /// 0xaa. Returns its path.
    static func fresh(in root: String) throws -> String {
        let path = root + "/disk.qcow2"
        try make(path, pattern: 0xaa)
        return path
    }

    /// Fills the first 64 KiB of the disk whose top image is `path` with `pattern`.
    static func write(_ pattern: UInt8, to path: String) throws {
        let result = try tool("qemu-io", ["-f", "qcow2", "-c", "write -P \(pattern) 0 64k", path])
        guard result.ok, !result.output.contains("failed") else { throw POSIXError(.EIO) }
    }

    /// Whether the first 64 KiB of the disk whose top image is `path` hold `pattern`.
    static func holds(_ pattern: UInt8, _ path: String) throws -> Bool {
        let result = try tool("qemu-io", ["-r", "-U", "-f", "qcow2", "-c", "read -P \(pattern) 0 64k", path])
        return result.ok && !result.output.contains("Pattern verification failed")
    }

    /// The names of the internal snapshots in `path`.
    static func internalSnapshots(_ path: String) throws -> [String] {
        try tool("qemu-img", ["snapshot", "-U", "-l", path]).output.split(separator: "\n").dropFirst(2)
            .compactMap { $0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.map(String.init) }
    }

    /// The guest of ``EmbeddedQEMU/guestXML(_:_:)`` with a virtio qcow2 disk at `path`.
    static func guestXML(_ name: String, disk path: String, format: String = "qcow2") throws -> String {
        try EmbeddedQEMU.guestXML(name) { definition in
            var disk = DiskDevice(source: path, target: "vda", bus: "virtio")
            disk.driverType = format
            definition.devices.disks = [disk]
        }
    }
}
