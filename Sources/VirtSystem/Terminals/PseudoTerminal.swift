import CVirtShim
import Glibc
import VirtError

/// A pseudo-terminal pair from the host's /dev/ptmx, as a container's console: the init
/// gets the slave as its standard descriptors and controlling terminal, and whoever holds
/// the master speaks for the person at the console.
public struct PseudoTerminal: Sendable {
    /// The master side (close-on-exec).
    public let master: Int32
    /// The slave side, opened without becoming our controlling terminal (close-on-exec).
    public let slave: Int32
    /// The slave's path on the host, e.g. `/dev/pts/3`, as libvirt shows a pty console.
    public let slavePath: String

    /// Opens a new pair, unlocked and ready for a process to use the slave.
    public static func open() throws(VirError) -> PseudoTerminal {
        var master: Int32 = -1, slave: Int32 = -1
        var number: UInt32 = 0
        _ = try Syscall.call("open a pseudo-terminal from /dev/ptmx") { cvs_open_pty(&master, &slave, &number) }
        return PseudoTerminal(master: master, slave: slave, slavePath: "/dev/pts/\(number)")
    }

    /// Closes both sides.
    public func close() {
        Glibc.close(master)
        Glibc.close(slave)
    }
}
