/// One option of a command, as virsh declares it.
struct OptionSpec: Sendable {
    /// How the option takes its value.
    enum Kind: Sendable {
        /// A flag (`--reason`); never positional.
        case bool
        /// A positional string shown as `<name>` (`<domain>`, `<file>`).
        case data
        /// A string (`--mode <string>`); positional unless `namedOnly`.
        case string
        /// A number (`--count <number>`); positional unless `namedOnly`.
        case int
        /// Every remaining positional word (`echo`'s text, `--diskspec`).
        case argv
    }

    /// The name without dashes.
    let name: String
    /// How it takes its value.
    let kind: Kind
    /// Whether the command refuses to run without it.
    let required: Bool
    /// Whether it can only be given as `--name value`, never by position.
    let namedOnly: Bool
    /// The help text.
    let help: String

    /// Whether a bare word can fill this option.
    var isPositional: Bool { kind != .bool && !namedOnly }

    /// A flag.
    static func flag(_ name: String, _ help: String) -> OptionSpec {
        OptionSpec(name: name, kind: .bool, required: false, namedOnly: false, help: help)
    }

    /// A positional string such as `<domain>`.
    static func data(_ name: String, required: Bool = true, _ help: String) -> OptionSpec {
        OptionSpec(name: name, kind: .data, required: required, namedOnly: false, help: help)
    }

    /// A string option.
    static func string(_ name: String, required: Bool = false, namedOnly: Bool = false, _ help: String) -> OptionSpec {
        OptionSpec(name: name, kind: .string, required: required, namedOnly: namedOnly, help: help)
    }

    /// A number option.
    static func int(_ name: String, required: Bool = false, namedOnly: Bool = false, _ help: String) -> OptionSpec {
        OptionSpec(name: name, kind: .int, required: required, namedOnly: namedOnly, help: help)
    }

    /// A list of remaining words.
    static func argv(_ name: String, required: Bool = false, _ help: String) -> OptionSpec {
        OptionSpec(name: name, kind: .argv, required: required, namedOnly: false, help: help)
    }

    /// The usual `<domain>` option.
    static func domain(_ help: String = "domain name, id or uuid") -> OptionSpec {
        .data("domain", help)
    }

    /// The `--config --live --current` trio of commands that change a definition.
    static let impact: [OptionSpec] = [
        .flag("config", "affect next boot"),
        .flag("live", "affect running domain"),
        .flag("current", "affect current domain"),
    ]
}

/// What a command is called, what it accepts and how `help` describes it.
struct CommandSpec: Sendable {
    /// The command word.
    let name: String
    /// The one-line summary (`help`'s NAME section).
    let summary: String
    /// The longer description (`help`'s DESCRIPTION section); may be empty.
    let description: String
    /// The options, in virsh's order (which is also the order positional words fill them).
    let options: [OptionSpec]
    /// Whether it works without a hypervisor connection (`help`, `echo`, `quit`).
    let needsConnection: Bool

    init(_ name: String, _ summary: String, description: String = "", options: [OptionSpec] = [], needsConnection: Bool = true) {
        self.name = name
        self.summary = summary
        self.description = description
        self.options = options
        self.needsConnection = needsConnection
    }

    /// The option called `name`, if any.
    func option(named name: String) -> OptionSpec? {
        options.first { $0.name == name }
    }
}
