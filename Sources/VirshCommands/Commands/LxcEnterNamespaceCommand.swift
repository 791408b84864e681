import SwiftVirt
import VirtSystem

#if canImport(Glibc)
import Glibc
#endif

/// `lxc-enter-namespace <domain> [--noseclabel] -- <cmd>...`: runs a command inside a running
/// container, as virsh does: in its namespaces (virDomainLxcOpenNamespace), its cgroups (as
/// virDomainLxcEnterCGroup finds them) and, unless `--noseclabel`, its security label.
///
/// virsh forks itself and enters from the copy. virtsh cannot fork (it is multithreaded), and
/// must not let the container reach a host binary (CVE-2019-5736): the entering is done by
/// `swiftvirt-enter`, executed from a sealed memfd copy and put into the container's cgroups
/// before it runs. `<cmd>` is a path inside the container (no PATH search), given virtsh's
/// environment and standard descriptors. virtsh waits for it; its failure is virsh's error.
enum LxcEnterNamespaceCommand {
    static let command = Command(CommandSpec(
        "lxc-enter-namespace", "LXC Guest Enter Namespace",
        description: "Run an arbitrary command in a lxc guest namespace; use at your own risk",
        options: [
            .domain(),
            .flag("noseclabel", "Do not change process security label"),
            .argv("cmd", required: true, "command to run"),
        ]
    )) { ctx in
        let domain = try await ctx.domain()
        let command = ctx.list("cmd")
        let namespaces = try await VirshError.context(nil) { try await domain.lxcOpenNamespace() }
        defer { for fd in namespaces { close(fd) } }
        var label: DACLabel?
        if !ctx.flag("noseclabel") {
            let connection = try await ctx.connection()
            label = try await VirshError.context(nil) {
                try await domain.securityLabel().dacLabel(under: try await connection.securityModel())
            }
        }
        let process = try await VirshError.context(nil) { () async throws(VirError) -> ChildProcess in
            try enter(domain, namespaces: namespaces, label: label, command: command)
        }
        let status = try await VirshError.context(nil) { try await process.wait() }
        switch status {
        case .exited(0): return
        case .exited(let code):
            throw VirshError(nil, VirError(.internalError, "Child process (\(process.pid)) unexpected exit status \(code)"))
        case .signaled(let signal, _):
            throw VirshError(nil, VirError(.internalError, "Child process (\(process.pid)) unexpected fatal signal \(signal)"))
        case .unavailable:
            throw VirshError(nil, VirError(.internalError, "Child process (\(process.pid)) ended unseen"))
        }
    }

    /// Starts `swiftvirt-enter` in the container's cgroups, with the namespaces it must enter
    /// (those virtsh is not in already) as descriptors 3 and up.
    private static func enter(_ domain: Domain, namespaces: [Int32], label: DACLabel?, command: [String]) throws(VirError) -> ChildProcess {
        var entered: [Int32] = []
        for fd in namespaces where try !NamespaceDescriptor.isCurrent(fd) { entered.append(fd) }
        let helper = try HelperBinary.sealedCopy(of: HelperBinary.locate("swiftvirt-enter", override: "SWIFTVIRT_ENTER"))
        defer { close(helper) }
        var arguments = ["swiftvirt-enter", "--namespace-fds", "3:\(entered.count)"]
        if let label { arguments += ["--ids", "\(label.uid):\(label.gid)"] }
        var plan = SpawnPlan(.descriptor(helper), arguments: arguments + ["--"] + command)
        plan.environment = CallerEnvironment.entries()
        plan.descriptors = [0: 0, 1: 1, 2: 2]
        for (index, fd) in entered.enumerated() { plan.descriptors[Int32(3 + index)] = fd }
        plan.cgroupProcsFiles = try CgroupManager(layout: CgroupLayout.discover()).procsFiles(ofProcess: domain.id)
        return try Spawner.spawn(plan)
    }
}
