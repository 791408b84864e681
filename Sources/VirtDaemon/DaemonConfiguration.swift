/// Where virtd listens. Corresponds to libvirtd.conf's socket settings.
public struct DaemonConfiguration: Sendable {
    /// The read-write socket (mode 0600).
    public var socketPath = "/run/swiftvirt/virtd-sock"
    /// The read-only socket (mode 0666): every connection on it is read-only.
    public var readOnlySocketPath = "/run/swiftvirt/virtd-sock-ro"

    /// Where `lxc:///` keeps its containers' definitions and run state.
    public var lxcRoot = "/var/lib/swiftvirt/lxc"

    /// The URI of a client that names none (CONNECT_OPEN with an empty name).
    public var defaultURI = "test:///default"

    /// Seconds of silence from a client that asked for keepalive before virtd pings it
    /// (`keepalive_interval`); 0 disables pings.
    public var keepaliveInterval = 5
    /// Unanswered pings after which virtd drops the client (`keepalive_count`).
    public var keepaliveCount = 5

    /// The defaults under /run/swiftvirt.
    public init() {}
}
