import JSON
import SwiftVirt

/// What a running command sees: its option values, the session's connection, and the
/// output channels. Text output is ignored in JSON mode and JSON results in text mode,
/// so a command states both and the context picks.
final class CommandContext {
    /// The session the command runs in.
    let session: Session
    /// The command's spec.
    let spec: CommandSpec
    /// Whether this command prints JSON.
    let json: Bool
    /// Set by `quit`: run no further commands.
    var stopRequested = false
    /// The exit status when the command succeeds, if not 0 (a foreground `vx-create`
    /// exits with its first process's status).
    var exitStatus: Int32 = 0
    /// The JSON document set by ``result(_:)``.
    private(set) var document: JSONValue?
    private let values: [String: [String]]

    init(session: Session, parsed: ParsedCommand) {
        self.session = session
        self.spec = parsed.command.spec
        self.values = parsed.values
        self.json = session.json || parsed.json
    }

    // MARK: Output

    /// Prints `text` (text mode only).
    func print(_ text: String) {
        if !json { session.output.write(text) }
    }

    /// Prints an informational message (text mode only, not with `-q`).
    func info(_ text: String) {
        if !json && !session.quiet { session.output.write(text) }
    }

    /// Prints a table; `-q` drops its header.
    func print(_ table: Table) {
        print(table.render(includeHeader: !session.quiet))
    }

    /// Prints `text` on stderr (text mode only).
    func printError(_ text: String) {
        if !json { session.errors.write(text) }
    }

    /// Sets the JSON document printed when the command succeeds.
    func result(_ value: JSONValue) {
        document = value
    }

    // MARK: Options

    /// Whether flag `name` was given.
    func flag(_ name: String) -> Bool {
        values[name] != nil
    }

    /// The union of the bits whose option is given: `map` pairs option names with bits.
    func flags<F: OptionSet>(_ map: [(String, F)]) -> F where F.Element == F {
        map.reduce(into: F()) { if flag($1.0) { $0.insert($1.1) } }
    }

    /// The value of string option `name`, nil when absent. An empty value is refused
    /// unless `allowEmpty`, as virsh does.
    func string(_ name: String, allowEmpty: Bool = false) throws(VirshError) -> String? {
        guard let value = values[name]?.first else { return nil }
        if value.isEmpty && !allowEmpty {
            throw VirshError("Failed to get option '\(name)': Option argument is empty")
        }
        return value
    }

    /// The value of a string option the spec marks required.
    func required(_ name: String) throws(VirshError) -> String {
        guard let value = try string(name) else { throw VirshError("command '\(spec.name)' requires <\(name)> option") }
        return value
    }

    /// Every value of an `argv` option.
    func list(_ name: String) -> [String] {
        values[name] ?? []
    }

    /// The value of a non-negative number option, nil when absent; malformed values and
    /// values outside `range` fail as virsh's `Numeric value … is malformed or out of range`.
    func unsigned(_ name: String, in range: ClosedRange<UInt64> = 0...UInt64(UInt32.max)) throws(VirshError) -> UInt64? {
        guard let text = values[name]?.first else { return nil }
        guard let (number, rest) = NumberParsing.leadingUnsigned(text), rest.isEmpty, range.contains(number) else {
            throw VirshError("Numeric value '\(text)' for <\(name)> option is malformed or out of range")
        }
        return number
    }

    /// A size option in bytes: a number with an optional unit suffix (`512M`, `1G`, `4096b`),
    /// `defaultScale` bytes per unit when there is none, at most `maximum` bytes.
    func scaledSize(_ name: String, defaultScale: UInt64 = 1024, maximum: UInt64) throws(VirshError) -> UInt64? {
        guard let text = values[name]?.first else { return nil }
        let malformed = "Scaled numeric value '\(text)' for <\(name)> option is malformed or out of range"
        guard let (number, suffix) = NumberParsing.leadingUnsigned(text) else { throw VirshError(malformed) }
        do {
            return try NumberParsing.scale(number, suffix: suffix, defaultScale: defaultScale, maximum: maximum)
        } catch {
            throw VirshError(malformed, error)
        }
    }

    /// Fails with `Options --a and --b are mutually exclusive` when both flags or
    /// options are present.
    func exclusive(_ a: String, _ b: String) throws(VirshError) {
        if values[a] != nil && values[b] != nil {
            throw VirshError("Options --\(a) and --\(b) are mutually exclusive")
        }
    }

    /// Fails with `Option --b is required by option --a` when `a` is given without `b`.
    func requires(_ a: String, _ b: String) throws(VirshError) {
        if values[a] != nil && values[b] == nil {
            throw VirshError("Option --\(b) is required by option --\(a)")
        }
    }

    // MARK: Connection and lookups

    /// The hypervisor connection.
    func connection() async throws(VirshError) -> Connection {
        try await session.connect()
    }

    /// The domain named by option `option`, looked up by id, then UUID, then name (each
    /// only if allowed by `by`), as virsh does; fails with `failed to get domain 'X'`.
    func domain(_ option: String = "domain", by kinds: DomainLookup = .all) async throws(VirshError) -> Domain {
        try await DomainLookup.find(try required(option), by: kinds, on: try await connection())
    }
}

/// The ways a domain argument may be interpreted (virsh's `VIRSH_BYID|BYUUID|BYNAME`).
struct DomainLookup: OptionSet {
    let rawValue: Int
    /// A non-negative number is an id.
    static let id = DomainLookup(rawValue: 1)
    /// A 36-character UUID.
    static let uuid = DomainLookup(rawValue: 2)
    /// Anything is a name.
    static let name = DomainLookup(rawValue: 4)
    /// All three, in that order.
    static let all: DomainLookup = [.id, .uuid, .name]

    /// Finds the domain `text` refers to.
    static func find(_ text: String, by kinds: DomainLookup, on connection: Connection) async throws(VirshError) -> Domain {
        var lastError: VirError?
        if kinds.contains(.id), let (number, rest) = NumberParsing.leadingSigned(text), rest.isEmpty,
           number >= 0, number <= Int64(Int32.max) {
            do { return try await connection.lookupDomain(id: Int32(number)) } catch { lastError = error }
        }
        if kinds.contains(.uuid), text.utf8.count == 36, DomainUUID(text) != nil {
            do { return try await connection.lookupDomain(uuidString: text) } catch { lastError = error }
        }
        if kinds.contains(.name) {
            do { return try await connection.lookupDomain(name: text) } catch { lastError = error }
        }
        throw VirshError("failed to get domain '\(text)'", code: lastError?.code ?? .noDomain, domain: lastError?.domain ?? .dom)
    }
}
