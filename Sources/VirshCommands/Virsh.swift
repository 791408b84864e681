import JSON
import SwiftVirt

/// virtsh: a virsh-compatible shell over SwiftVirt.
///
/// `virtsh [options]... [command_string]` or `virtsh [options]... command [args...]`
/// runs each `;`-separated command and exits with the status of the last one; see
/// `JSON-SCHEMA.md` for the `--json` output.
public enum Virsh {
    /// Runs one invocation.
    ///
    /// - Parameters:
    ///   - arguments: the words after the program name.
    ///   - environment: consulted for `VIRSH_DEFAULT_CONNECT_URI` and `LIBVIRT_DEFAULT_URI`.
    ///   - output: receives what virsh prints on stdout.
    ///   - errors: receives what virsh prints on stderr.
    /// - Returns: the exit status (0 when the last command succeeded).
    public static func main(
        arguments: [String], environment: [String: String], output: some TextSink, errors: some TextSink
    ) async -> Int32 {
        let options: GlobalOptions
        let commands: [ParsedCommand]
        do {
            options = try GlobalOptions(parsing: arguments)
            switch options.action {
            case .help:
                output.write(Usage.text)
                return 0
            case .version(let long):
                output.write(long ? Usage.longVersion : Usage.shortVersion)
                return 0
            case .run:
                break
            }
            if options.commandWords == [""] { return 1 }
            commands = try options.commandWords.count == 1
                ? CommandParser.parseAll(options.commandWords[0], lookup: CommandRegistry.command(named:))
                : CommandParser.parseWords(options.commandWords, lookup: CommandRegistry.command(named:))
        } catch {
            let json = arguments.contains { $0.split(whereSeparator: { " \t\n;".contains($0) }).contains("--json") }
            if json { errors.write(error.json.serialized + "\n") } else { errors.write("error: \(error.context ?? "")\n") }
            return 1
        }
        let uri = options.connect ?? environment["VIRSH_DEFAULT_CONNECT_URI"] ?? environment["LIBVIRT_DEFAULT_URI"]
        let session = Session(output: output, errors: errors, settings: options, uri: uri)
        if options.connect != nil {
            do {
                _ = try await session.connect()
            } catch {
                session.report(error, json: options.json)
                return 1
            }
        }
        let status = await run(commands, in: session)
        await session.close()
        return status
    }

    /// Runs parsed commands in order, each followed by virsh's blank line (text mode,
    /// not quiet); returns the status of the last one run.
    static func run(_ commands: [ParsedCommand], in session: Session) async -> Int32 {
        var status: Int32 = 0
        for parsed in commands {
            let context = CommandContext(session: session, parsed: parsed)
            do {
                if parsed.command.spec.needsConnection { _ = try await session.connect() }
                try await parsed.command.run(context)
                if context.stopRequested { return 0 }
                if context.json { session.output.write((context.document ?? .object([])).serialized + "\n") }
                status = context.exitStatus
            } catch {
                session.report(VirshError.wrapping(error), json: context.json)
                status = 1
            }
            if !context.json && !session.quiet { session.output.write("\n") }
        }
        return status
    }
}

extension VirshError {
    /// `error` as a ``VirshError``: a library error gets no context line.
    static func wrapping(_ error: any Error) -> VirshError {
        switch error {
        case let error as VirshError: error
        case let error as VirError: VirshError(nil, error)
        default: VirshError("\(error)", code: .internalError)
        }
    }
}
