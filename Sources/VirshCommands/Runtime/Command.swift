/// A shell command: its declarative spec and what it does.
struct Command: Sendable {
    /// Name, options and help text.
    let spec: CommandSpec
    /// Runs the command. It reports results through the context and fails by throwing
    /// a ``VirshError`` (or a library `VirError`, printed without a context line).
    let run: @Sendable (CommandContext) async throws -> Void

    init(_ spec: CommandSpec, run: @escaping @Sendable (CommandContext) async throws -> Void) {
        self.spec = spec
        self.run = run
    }
}

/// Every command virtsh knows, in `help` order.
enum CommandRegistry {
    /// The commands (built on first use).
    static let all: [Command] =
        ShellCommands.all + HostCommands.all + DomainListCommands.all + DomainInfoCommands.all
        + DefinitionCommands.all + LifecycleCommands.all + SaveRestoreCommands.all
        + MemoryCommands.all + VcpuCommands.all + SnapshotCreateCommands.all
        + SnapshotListCommands.all + SnapshotQueryCommands.all + SnapshotChangeCommands.all
        + EventCommands.all + [ConsoleCommand.console, LxcEnterNamespaceCommand.command] + QemuPassthroughCommands.all + ContextCommands.all

    /// The command called `name`.
    static func command(named name: String) -> Command? {
        all.first { $0.spec.name == name }
    }
}
