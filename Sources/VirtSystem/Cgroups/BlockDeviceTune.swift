import Glibc
import VirtError

/// The block I/O settings of one host block device in one cgroup: a proportional weight and
/// read/write throttles. libvirt's `<blkiotune><device>` (`virDomainCgroupSetupBlkio`).
///
/// A nil setting is left as it is; the kernel reads 0 as "remove this device's rule".
public struct BlockDeviceTune: Sendable, Equatable {
    /// The device as the kernel names it in cgroup files: `MAJOR:MINOR`.
    public let device: String
    /// The proportional weight on this device (1…1000 with BFQ, 10…1000 with CFQ).
    public var weight: UInt32? = nil
    /// Read bytes per second.
    public var readBytesPerSecond: UInt64? = nil
    /// Written bytes per second.
    public var writeBytesPerSecond: UInt64? = nil
    /// Read operations per second.
    public var readIOPerSecond: UInt64? = nil
    /// Write operations per second.
    public var writeIOPerSecond: UInt64? = nil

    /// Settings for the block device node at `path`, e.g. `/dev/sda`. Throws
    /// `.systemError` with libvirt's messages if `path` cannot be stat'ed or is not a block
    /// device (`virCgroupGetBlockDevString`).
    public init(devicePath path: String) throws(VirError) {
        var status = stat()
        try Syscall.call("Path '\(path)' is not accessible", domain: .cgroup) { stat(path, &status) }
        guard status.st_mode & S_IFMT == S_IFBLK else {
            throw Syscall.error("Path '\(path)' must be a block device", errno: EINVAL, domain: .cgroup)
        }
        let number = UInt64(status.st_rdev)  // glibc's dev_t layout (gnu_dev_major/gnu_dev_minor)
        self.init(major: UInt32(truncatingIfNeeded: (number >> 8) & 0xfff | (number >> 32) & ~0xfff),
                  minor: UInt32(truncatingIfNeeded: number & 0xff | (number >> 12) & ~0xff))
    }

    /// Settings for device number `major:minor`.
    public init(major: UInt32, minor: UInt32) {
        device = "\(major):\(minor)"
    }

    /// The throttles that are set, with their values.
    var throttles: [(throttle: BlockThrottle, value: UInt64)] {
        let settings: [(BlockThrottle, UInt64?)] = [(.readBytes, readBytesPerSecond), (.writeBytes, writeBytesPerSecond),
                                                     (.readIO, readIOPerSecond), (.writeIO, writeIOPerSecond)]
        return settings.compactMap { throttle, value in value.map { (throttle, $0) } }
    }
}

/// One kind of block I/O throttle, named as each cgroup version names it.
enum BlockThrottle {
    case readBytes, writeBytes, readIO, writeIO

    /// The v1 file, e.g. `blkio.throttle.read_bps_device`.
    var v1File: String {
        switch self {
        case .readBytes: "blkio.throttle.read_bps_device"
        case .writeBytes: "blkio.throttle.write_bps_device"
        case .readIO: "blkio.throttle.read_iops_device"
        case .writeIO: "blkio.throttle.write_iops_device"
        }
    }

    /// The v2 `io.max` key, e.g. `rbps`.
    var v2Key: String {
        switch self {
        case .readBytes: "rbps"
        case .writeBytes: "wbps"
        case .readIO: "riops"
        case .writeIO: "wiops"
        }
    }
}

extension Cgroup {
    /// Applies per-device block I/O settings (v1 `blkio.weight_device` or
    /// `blkio.bfq.weight_device` and `blkio.throttle.*_device`, v2 `io.weight` or
    /// `io.bfq.weight` and `io.max`), as `virCgroupSetBlkioDevice*` do. A weight needs the
    /// device's I/O scheduler to be BFQ (or CFQ); the kernel refuses it otherwise.
    /// Errors name the device: a refused weight by its number, a refused throttle by the
    /// line and file written.
    public func setBlockDeviceTune(_ tune: BlockDeviceTune) throws(VirError) {
        let member = try member(.blkio)
        try member.backend.apply(tune, in: member.directory)
    }
}
