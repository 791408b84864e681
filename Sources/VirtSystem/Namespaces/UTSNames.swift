import CVirtShim
import VirtError

#if canImport(Glibc)
import Glibc
#endif

/// Host and domain names of another process's UTS namespace.
public enum UTSNames {
    /// Sets the host name and/or domain name in the UTS namespace of process `pid`, from a
    /// short-lived child that joins it (this process never calls setns).
    public static func set(ofProcess pid: Int32, hostname: String?, domainname: String?) throws(VirError) {
        let pidfd = try Syscall.call("pidfd_open \(pid)") { cvs_pidfd_open(pid) }
        defer { close(pidfd) }
        let result = cvs_set_uts_names(pidfd, hostname, domainname)
        if result < 0 { throw Syscall.error("set the UTS names of process \(pid)", errno: -result) }
    }

    /// The host name and domain name of the UTS namespace of process `pid`.
    public static func get(ofProcess pid: Int32) throws(VirError) -> (hostname: String, domainname: String) {
        let pidfd = try Syscall.call("pidfd_open \(pid)") { cvs_pidfd_open(pid) }
        defer { close(pidfd) }
        var host = [CChar](repeating: 0, count: 65)
        var domain = [CChar](repeating: 0, count: 65)
        let result = cvs_get_uts_names(pidfd, &host, &domain)
        if result < 0 { throw Syscall.error("read the UTS names of process \(pid)", errno: -result) }
        func text(_ field: [CChar]) -> String { String(decoding: field.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        return (text(host), text(domain))
    }
}
