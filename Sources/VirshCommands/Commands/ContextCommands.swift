import SwiftVirt
import VirtContexts

/// Commands for Linux-VServer-style security contexts, after util-vserver's `vcontext`,
/// `vattribute`, `vuname`, `vkill` and `vwait`: each wraps one libvserver call (`vx_create`,
/// `vx_info`, `vx_flags_set`, …). They work on the contexts under `--root` and need no
/// hypervisor connection. A failure is one line naming the call and the reason:
/// `vx_create(42): Requested operation is not valid: security context 42 already exists …`.
enum ContextCommands {
    static let all: [Command] = ContextLifecycleCommands.all + ContextQueryCommands.all + ContextAttributeCommands.all

    /// `--root DIR`, which every vx command takes.
    static let root = OptionSpec.string(
        "root", namedOnly: true, "run directory of the contexts (default \(ContextSystem.defaultRoot))")

    /// A vx command: `options` followed by `--root`, run without a connection.
    static func command(
        _ name: String, _ summary: String, description: String, options: [OptionSpec],
        run: @escaping @Sendable (CommandContext) async throws -> Void
    ) -> Command {
        Command(CommandSpec(name, summary, description: description, options: options + [root], needsConnection: false), run: run)
    }

    /// An option that may be repeated and is only given by name (`--flag A --flag B`).
    static func repeatable(_ name: String, _ help: String) -> OptionSpec {
        OptionSpec(name: name, kind: .argv, required: false, namedOnly: true, help: help)
    }

    /// Runs `body` as the call `call` (e.g. `vx_kill(42)`): any failure becomes a one-line
    /// error `call: reason` that keeps the library's code and domain.
    static func call<T>(_ call: String, _ body: () async throws -> T) async throws(VirshError) -> T {
        do {
            return try await body()
        } catch let error as VirError {
            throw VirshError("\(call): \(error.message)", code: error.code, domain: error.domain)
        } catch let error as VirshError {
            throw VirshError("\(call): \(error.lines.joined(separator: ": "))", code: error.code, domain: error.domain)
        } catch {
            throw VirshError("\(call): \(error)", code: .internalError)
        }
    }
}

extension CommandContext {
    /// Runs `body` as `call(<argument as given>)`; see ``ContextCommands/call(_:_:)``.
    func vx<T>(_ call: String, argument: String = "xid", _ body: () async throws -> T) async throws(VirshError) -> T {
        try await ContextCommands.call("\(call)(\(list(argument).first ?? ""))", body)
    }

    /// The contexts under `--root`.
    func contextSystem() throws -> ContextSystem {
        try ContextSystem(root: try string("root") ?? ContextSystem.defaultRoot)
    }

    /// The `<xid>` argument. Range checks (1…65534) are the library's.
    func xid() throws -> UInt32 {
        let text = try required("xid")
        guard let (number, rest) = NumberParsing.leadingUnsigned(text), rest.isEmpty, number <= UInt64(UInt32.max) else {
            throw VirError.invalidArg("invalid context id '\(text)': expected a number between 1 and 65534", domain: .none)
        }
        return UInt32(number)
    }

    /// The live context `<xid>` names.
    func securityContext() throws -> Context {
        try contextSystem().context(try xid())
    }
}
