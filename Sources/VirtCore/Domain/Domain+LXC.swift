import VirtError
import VirtSystem

#if canImport(Glibc)
import Glibc
#endif

/// The flags of libvirt's LXC calls: none are defined ("currently unused, pass 0").
public struct LxcFlags: KnownFlags, Sendable, Hashable {
    /// The bits.
    public var rawValue: UInt32
    /// Flags from their bits.
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// None.
    public static let known: LxcFlags = []
}

/// libvirt's LXC calls (`libvirt-lxc.h`). Opening the namespaces goes to the driver; entering
/// them, the cgroups and the security label act on the caller, as in libvirt's client
/// library. Namespaces and credentials belong to threads on Linux: the enter calls change
/// the calling thread, so call them from a thread of your own (a `Thread`, not a task, which
/// may move between threads), or spawn the program that must run inside, as
/// `virtsh lxc-enter-namespace` does.
extension Domain {
    /// Corresponds to `virDomainLxcOpenNamespace`: descriptors of the running container's
    /// namespaces (user, ipc, uts, net, pid, mnt, in that order, whether private or shared
    /// with the host), for `setns`. The caller closes them.
    public func lxcOpenNamespace(flags: LxcFlags = []) async throws(VirError) -> [Int32] {
        try flags.checkKnown(function: "virDomainLxcOpenNamespace")
        return try await call("virDomainLxcOpenNamespace", mutating: true) { try await $0.lxcOpenNamespace(identity, flags: flags) }
    }

    /// Corresponds to `virDomainLxcEnterNamespace`: moves the calling thread into the
    /// namespaces `descriptors` refer to (see ``NamespaceDescriptor/enter(_:)``).
    /// - Parameter savingOld: also return descriptors of the thread's namespaces as they were
    ///   (libvirt's `oldfdlist`), so that the thread can switch back; the caller closes them.
    /// - Throws: `VIR_ERR_INVALID_ARG` for no descriptors or one that is not a namespace's,
    ///   `VIR_ERR_OPERATION_INVALID` for a user namespace in a multithreaded process,
    ///   `VIR_ERR_SYSTEM_ERROR` if the kernel refuses.
    public func lxcEnterNamespace(_ descriptors: [Int32], savingOld: Bool = false, flags: LxcFlags = []) throws(VirError) -> [Int32] {
        try flags.checkKnown(function: "virDomainLxcEnterNamespace")
        guard !descriptors.isEmpty else { throw VirError.invalidArg("Expected at least one file descriptor", domain: .none) }
        let old = savingOld ? try NamespaceDescriptor.openCurrent(NamespaceSet.libvirtOrder) : []
        do {
            try NamespaceDescriptor.enter(descriptors)
        } catch {
            for fd in old { close(fd) }
            throw error
        }
        return old
    }

    /// Corresponds to `virDomainLxcEnterCGroup`: moves `process` (the caller, by default;
    /// every thread of it) into the cgroups of the running container, found from its init
    /// (the domain id), as libvirt does.
    /// - Throws: `VIR_ERR_OPERATION_INVALID` if the domain handle has no id (it was looked up
    ///   while shut off), `VIR_ERR_SYSTEM_ERROR` if the cgroups cannot be read or joined.
    public func lxcEnterCGroup(process: Int32 = getpid(), flags: LxcFlags = []) async throws(VirError) {
        try flags.checkKnown(function: "virDomainLxcEnterCGroup")
        // Through the front door for its checks (closed, read-only); the work is the caller's.
        try await call("virDomainLxcEnterCGroup", mutating: true) { _ in
            guard id > 0 else { throw VirError(.operationInvalid, "domain is not running", domain: .none) }
            let manager = CgroupManager(layout: try CgroupLayout.discover())
            for file in try manager.procsFiles(ofProcess: id) { try SystemFile.write(file, "\(process)") }
        }
    }

    /// Corresponds to `virDomainLxcEnterSecurityLabel`: gives the calling thread `label` of
    /// `model` and returns its previous label.
    ///
    /// - `dac`: the label is `+UID:+GID` (or `USER:GROUP`); the thread takes those ids at once
    ///   (see ``ThreadCredentials/become(uid:gid:)``), keeping its saved ids, so that it can
    ///   return with the old label until it execs. Enter namespaces and cgroups first.
    /// - `none`: nothing to do; the old label is empty.
    /// - SELinux, AppArmor and the rest: `VIR_ERR_ARGUMENT_UNSUPPORTED`, as a libvirt built
    ///   without them reports.
    public static func lxcEnterSecurityLabel(model: SecurityModel, label: DomainSecurityLabel, flags: LxcFlags = []) throws(VirError) -> DomainSecurityLabel {
        try flags.checkKnown(function: "virDomainLxcEnterSecurityLabel")
        guard let target = try label.dacLabel(under: model) else { return DomainSecurityLabel(label: "", enforcing: false) }
        let current = ThreadCredentials.current
        try ThreadCredentials.become(uid: target.uid, gid: target.gid)
        return DomainSecurityLabel(label: DACLabel(uid: current.uid, gid: current.gid).description, enforcing: true)
    }
}
