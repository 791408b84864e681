import VirtError

extension Context {
    /// Corresponds to `virDomainOpenConsole` for a container: attaches a session to the
    /// console the context was created with (``ContextOptions/console``), which the keeper
    /// holds. Returns a stream socket (close-on-exec, the caller's) that carries what the
    /// console prints and takes what is typed. Only one session is attached at a time: with
    /// `force` the previous one ends (its stream reaches its end), without it this fails
    /// with libvirt's "Active console session exists" error.
    public func openConsole(force: Bool = false) throws(VirError) -> Int32 {
        try system.keeper.openConsole(xid: xid, force: force)
    }
}
