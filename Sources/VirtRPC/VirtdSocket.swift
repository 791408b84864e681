/// Where virtd listens unless told otherwise, and where clients look for it: the
/// counterparts of libvirtd's `/run/libvirt/libvirt-sock` and `libvirt-sock-ro`.
public enum VirtdSocket {
    /// The read-write socket (mode 0600).
    public static let readWrite = "/run/swiftvirt/virtd-sock"
    /// The read-only socket (mode 0666).
    public static let readOnly = "/run/swiftvirt/virtd-sock-ro"
}
