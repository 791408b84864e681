/// A command whose words have been matched against its spec, ready to run.
struct ParsedCommand {
    /// The command to run.
    let command: Command
    /// The given options: every value by option name (flags map to an empty list).
    let values: [String: [String]]
    /// Whether `--json` was given to this command.
    let json: Bool
}

/// Turns a command string into commands, one at a time, reporting virsh's parse errors:
/// unknown command or option, a value missing after an option, an option given twice,
/// surplus words, and a missing required option.
struct CommandParser {
    private var tokenizer: Tokenizer
    private let lookup: (String) -> Command?

    /// A parser over `tokenizer`, finding commands with `lookup`.
    init(_ tokenizer: Tokenizer, lookup: @escaping (String) -> Command?) {
        self.tokenizer = tokenizer
        self.lookup = lookup
    }

    /// Parses a whole command string; the first error aborts everything, as in virsh.
    static func parseAll(_ text: String, lookup: @escaping (String) -> Command?) throws(VirshError) -> [ParsedCommand] {
        var parser = CommandParser(Tokenizer(text), lookup: lookup)
        var commands: [ParsedCommand] = []
        while let command = try parser.next() { commands.append(command) }
        return commands
    }

    /// Parses separate argument words as one command, without quote processing
    /// (`virsh list --all` given as several words).
    static func parseWords(_ words: [String], lookup: @escaping (String) -> Command?) throws(VirshError) -> [ParsedCommand] {
        var source = words.makeIterator()
        guard let name = source.next() else { return [] }
        return [try parseCommand(name: name, lookup: lookup) { () throws(VirshError) in source.next() }]
    }

    /// The next command, or nil at the end of the string.
    mutating func next() throws(VirshError) -> ParsedCommand? {
        var token = try tokenizer.next()
        while token == .endOfCommand { token = try tokenizer.next() }
        guard case .word(let name) = token else { return nil }
        return try Self.parseCommand(name: name, lookup: lookup) { () throws(VirshError) in
            if case .word(let word) = try tokenizer.next() { return word }
            return nil
        }
    }

    /// Parses the words of one command, pulled from `nextWord` until it returns nil.
    private static func parseCommand(
        name: String, lookup: (String) -> Command?, nextWord: () throws(VirshError) -> String?
    ) throws(VirshError) -> ParsedCommand {
        guard let command = lookup(name) else { throw VirshError("unknown command: '\(name)'") }
        let spec = command.spec
        var values: [String: [String]] = [:]
        var pending = spec.options.filter(\.isPositional)
        var dataOnly = false
        var json = false
        var helpRequested = false
        while let word = try nextWord() {
            if !dataOnly && word == "--" {
                dataOnly = true
            } else if !dataOnly && word.hasPrefix("--") {
                var optionName = String(word.dropFirst(2))
                var inline: String? = nil
                if let equals = optionName.firstIndex(of: "=") {
                    inline = String(optionName[optionName.index(after: equals)...])
                    optionName = String(optionName[..<equals])
                }
                guard let option = spec.option(named: optionName) else {
                    switch optionName {
                    case "json" where inline == nil: json = true
                    case "help" where inline == nil: helpRequested = true
                    default: throw VirshError("command '\(spec.name)' doesn't support option --\(optionName)")
                    }
                    continue
                }
                if values[option.name] != nil && option.kind != .argv {
                    throw VirshError("option --\(option.name) already seen")
                }
                pending.removeAll { $0.name == option.name }
                if option.kind == .bool {
                    if inline != nil { throw VirshError("invalid '=' after option --\(option.name)") }
                    values[option.name] = []
                } else {
                    let value: String? = if let inline { inline } else { try nextWord() }
                    guard let value else {
                        throw VirshError("expected syntax: --\(option.name) <\(option.kind == .int ? "number" : "string")>")
                    }
                    values[option.name, default: []].append(value)
                }
            } else {
                guard let option = pending.first else { throw VirshError("unexpected data '\(word)'") }
                if option.kind != .argv { pending.removeFirst() }
                values[option.name, default: []].append(word)
            }
        }
        if helpRequested, let help = lookup("help") {
            return ParsedCommand(command: help, values: ["command": [spec.name]], json: json)
        }
        if let missing = spec.options.first(where: { $0.required && values[$0.name] == nil }) {
            let shown = missing.kind == .data || missing.kind == .argv ? "<\(missing.name)>" : "--\(missing.name)"
            throw VirshError("command '\(spec.name)' requires \(shown) option")
        }
        return ParsedCommand(command: command, values: values, json: json)
    }
}
