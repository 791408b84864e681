import VirtCore
import VirtError

extension LXCDriver {
    /// Corresponds to `virDomainOpenConsole` (libvirt's `lxcDomainOpenConsole`): a session on
    /// the running container's console, which the root's keeper holds. `device` is nil or
    /// the console's alias, `console0`. One session at a time; `VIR_DOMAIN_CONSOLE_FORCE`
    /// ends the one attached.
    public func openConsole(_ identity: DomainIdentity, device: String?, flags: ConsoleFlags) async throws -> Int32 {
        try flags.check(supported: [.force, .safe], function: "lxcDomainOpenConsole", domain: .lxc)
        let (context, _) = try runningContext(identity)
        let consoles = try domains.withLock { (domains) throws(VirError) in try domains.find(identity).definition.devices.consoles }
        guard !consoles.isEmpty, device == nil || device == "console0" else {
            let what = device.map { "console device '\($0)'" } ?? "default console device"
            throw VirError(.internalError, "cannot find \(what)", domain: .lxc)
        }
        do {
            return try context.openConsole(force: flags.contains(.force))
        } catch {
            throw error.from(.lxc)
        }
    }
}
