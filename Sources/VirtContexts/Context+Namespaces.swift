import VirtError
import VirtSystem

#if canImport(Glibc)
import Glibc
#endif

extension Context {
    /// Descriptors (close-on-exec) of the context's namespaces of `kinds`, in that order,
    /// taken from one of its live processes through its pidfd (no `/proc` path walk). A kind
    /// the context does not make its own is the host's. The caller closes them.
    /// - Throws: `VIR_ERR_OPERATION_DENIED` with `VXF_INFO_PRIVATE`, `VIR_ERR_NO_DOMAIN` if the
    ///   context has died.
    public func openNamespaces(_ kinds: [NamespaceSet]) throws(VirError) -> [Int32] {
        if flags().contains(.infoPrivate) {
            throw VirError(.operationDenied, "security context \(xid) has VXF_INFO_PRIVATE: its namespaces cannot be opened", domain: .none)
        }
        let pidfd = try livePidfd()
        defer { close(pidfd) }
        var opened: [Int32] = []
        for kind in kinds {
            guard let fd = Pidfd.namespace(kind, of: pidfd) else {
                for fd in opened { close(fd) }
                throw VirError(.noDomain, "security context \(xid) is no longer running", domain: .none)
            }
            opened.append(fd)
        }
        return opened
    }
}
