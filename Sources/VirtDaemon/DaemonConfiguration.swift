import Logging
import VirtRPC
import VirtSystem

/// How virtd runs: where it listens, what `lxc:///` uses, keepalive and logging. Corresponds
/// to libvirtd.conf; ``init(contentsOf:)`` reads virtd's own file of the same syntax.
public struct DaemonConfiguration: Sendable, Equatable {
    /// The read-write socket (mode 0600). `unix_sock_path`.
    public var socketPath = VirtdSocket.readWrite
    /// The read-only socket (mode 0666): every connection on it is read-only.
    /// `unix_sock_ro_path`.
    public var readOnlySocketPath = VirtdSocket.readOnly

    /// A TCP endpoint on a loopback address to listen on as well, if any. `tcp_listen`
    /// (`"127.0.0.1:16509"`, `"[::1]:16509"`).
    public var tcpListen: TCPEndpoint?
    /// Whether connections over TCP are read-only, as they are unless the file says
    /// otherwise: any local user can reach a loopback port. `tcp_read_only`.
    public var tcpReadOnly = true

    /// Where `lxc:///` keeps its containers' definitions and run state. `lxc_root`.
    public var lxcRoot = "/var/lib/swiftvirt/lxc"

    /// Where `qemu:///system` keeps its machines' definitions, run state and logs. `qemu_root`.
    public var qemuRoot = "/var/lib/swiftvirt/qemu"

    /// The URI of a client that names none (CONNECT_OPEN with an empty name). `default_uri`.
    public var defaultURI = "test:///default"

    /// Seconds of silence from a client that asked for keepalive before virtd pings it
    /// (`keepalive_interval`); 0 disables pings.
    public var keepaliveInterval = 5
    /// Unanswered pings after which virtd drops the client (`keepalive_count`).
    public var keepaliveCount = 5

    /// Microseconds the event loop keeps polling for a client's next call after answering
    /// one, while clients call again that quickly (`busy_poll_us`, at most
    /// ``busyPollLimit``; 0: never). On a virtual machine, waking a sleeping CPU costs more
    /// than a call: see ``EventLoop``.
    public var busyPollMicroseconds = 100
    /// The most ``busyPollMicroseconds`` may be: a millisecond.
    public static let busyPollLimit = 1000

    /// The least severe messages logged (to standard error). `log_level`: trace, debug,
    /// info, notice, warning, error or critical.
    public var logLevel = Logger.Level.info

    /// The defaults under /run/swiftvirt.
    public init() {}
}
