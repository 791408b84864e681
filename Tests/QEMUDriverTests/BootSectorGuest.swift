import Foundation
import Glibc
import SwiftVirt

/// The guest of the lifecycle tests: Guest/bootsector.S, a boot sector that powers off on
/// the ACPI power button, and powers off ('1'), resets ('2') or panics ('3') when told on
/// its serial port, which is a unix socket here. It runs under KVM.
struct BootSectorGuest {
    /// Its disk image.
    let image: String
    /// Its serial port's socket.
    let serialSocket: String

    static let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Guest/bootsector.S").path

    /// Assembles the boot sector into `directory/NAME.img` (binutils, as
    /// scripts/install-test-deps installs).
    init(in directory: String, name: String) throws {
        image = directory + "/\(name).img"
        serialSocket = directory + "/\(name).serial"
        let object = directory + "/\(name).o"
        try Self.run("/usr/bin/as", ["--32", "-o", object, Self.source])
        try Self.run("/usr/bin/ld", ["-m", "elf_i386", "-Ttext", "0x7c00", "--oformat", "binary", "-o", image, object])
        unlink(object)
    }

    /// Its domain XML: the bench guest's, with the boot disk, the serial port on the socket,
    /// a pvpanic device, and `edit` applied.
    func xml(_ name: String, _ edit: (inout DomainDefinition) -> Void = { _ in }) throws -> String {
        let xml = try EmbeddedQEMU.guestXML(name) { definition in
            var disk = DiskDevice(target: "hda")
            disk.source = image
            disk.driverName = "qemu"
            disk.driverType = "raw"
            disk.bus = "ide"
            definition.devices.disks = [disk]
            var serial = CharacterDevice(kind: .serial, type: "unix")
            serial.sourcePath = serialSocket
            serial.sourceMode = "bind"
            serial.targetPort = 0
            definition.devices.serials = [serial]
            definition.devices.consoles = []
            edit(&definition)
        }
        return xml.replacingOccurrences(of: "</devices>", with: "<panic model='isa'/></devices>")
    }

    /// Connects to the serial port of the running guest.
    func serial() throws -> GuestSerial { try GuestSerial(path: serialSocket) }

    private static func run(_ program: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw POSIXError(.EIO) }
    }
}

/// The serial port of a boot-sector guest.
final class GuestSerial {
    private let descriptor: Int32

    init(path: String) throws {
        descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { bytes in
            for (index, byte) in path.utf8.enumerated() where index < bytes.count - 1 { bytes[index] = byte }
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            close(descriptor)
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(descriptor) }

    /// Waits (up to 10 s per read) until the guest has printed "OK": it polls then.
    func waitUntilReady() throws {
        var seen: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64)
        while !String(decoding: seen, as: UTF8.self).contains("OK") {
            let count = read(descriptor, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw POSIXError(count == 0 ? .ECONNRESET : POSIXErrorCode(rawValue: errno) ?? .EIO) }
            seen += buffer[0..<count]
        }
    }

    /// Sends one command byte.
    func send(_ command: Character) {
        var byte = command.asciiValue ?? 0
        _ = write(descriptor, &byte, 1)
    }
}
