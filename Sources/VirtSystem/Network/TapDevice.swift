import CVirtShim
import Glibc
import VirtError

/// A tap device held open: the descriptor a QEMU network back end reads and writes guest
/// frames on. The device is not made persistent, so it disappears with the last descriptor
/// (QEMU's, once it has inherited one and this one is closed).
public struct TapDevice: Sendable {
    /// The open `/dev/net/tun` descriptor (close-on-exec).
    public let descriptor: Int32
    /// The device's name on this host.
    public let name: String

    /// Opens the tap device `name`, creating it if there is none; without a name, the first
    /// free `vnetN`, as libvirt names its taps. `vnetHeader` asks for the virtio-net header
    /// on each frame (`IFF_VNET_HDR`), which virtio NICs use.
    /// - Throws: `VIR_ERR_SYSTEM_ERROR` carrying `domain` (e.g. `EBUSY` when another
    ///   process holds the device).
    public static func open(named name: String?, vnetHeader: Bool, domain: ErrorDomain) throws(VirError) -> TapDevice {
        var actual = [UInt8](repeating: 0, count: 16)
        let descriptor = actual.withUnsafeMutableBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { cvs_open_tap(name ?? "vnet%d", vnetHeader ? 1 : 0, $0.baseAddress) }
        }
        guard descriptor >= 0 else { throw Syscall.error("Unable to create tap device \(name ?? "vnet%d")", errno: errno, domain: domain) }
        return TapDevice(descriptor: descriptor, name: String(decoding: actual.prefix { $0 != 0 }, as: UTF8.self))
    }

    /// Closes this process's descriptor.
    public func close() {
        Glibc.close(descriptor)
    }
}
