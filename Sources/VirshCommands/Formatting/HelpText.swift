import JSON

/// `help COMMAND` text, laid out as virsh prints it.
enum HelpText {
    /// The NAME, SYNOPSIS, DESCRIPTION and OPTIONS sections of `spec`.
    static func render(_ spec: CommandSpec) -> String {
        var out = "  NAME\n    \(spec.name) - \(spec.summary)\n\n  SYNOPSIS\n    \(synopsis(spec))\n\n"
        if !spec.description.isEmpty {
            out += "  DESCRIPTION\n"
            for line in spec.description.split(separator: "\n", omittingEmptySubsequences: false) {
                out += "    \(line)\n"
            }
            out += "\n"
        }
        if !spec.options.isEmpty {
            out += "  OPTIONS\n"
            var positionalSeen = false
            for option in spec.options {
                out += "    \(optionLabel(option, afterPositional: positionalSeen).padded(to: 15))  \(option.help)\n"
                if option.isPositional && option.kind != .argv { positionalSeen = true }
            }
            out += "\n"
        }
        return out
    }

    /// The one-line usage, e.g. `domstate <domain> [--reason]`.
    static func synopsis(_ spec: CommandSpec) -> String {
        var out = spec.name
        var positionalSeen = false
        for option in spec.options {
            switch option.kind {
            case .bool: out += " [--\(option.name)]"
            case .int: out += option.required ? " <\(option.name)>" : " [--\(option.name) <number>]"
            case .string: out += " [--\(option.name) <string>]"
            case .data: out += option.required ? " <\(option.name)>" : " [<\(option.name)>]"
            case .argv:
                switch (positionalSeen, option.required) {
                case (true, true): out += " {[--\(option.name)] <string>}..."
                case (true, false): out += " [[--\(option.name)] <string>]..."
                case (false, true): out += " <\(option.name)>..."
                case (false, false): out += " [<\(option.name)>]..."
                }
            }
            if option.isPositional && option.kind != .argv { positionalSeen = true }
        }
        return out
    }

    private static func optionLabel(_ option: OptionSpec, afterPositional: Bool) -> String {
        switch option.kind {
        case .bool: "--\(option.name)"
        case .int: option.required ? "[--\(option.name)] <number>" : "--\(option.name) <number>"
        case .string: "--\(option.name) <string>"
        case .data: "[--\(option.name)] <string>"
        case .argv: afterPositional ? "[--\(option.name)] <string>" : "<\(option.name)>"
        }
    }

    /// The JSON description of `spec`.
    static func json(_ spec: CommandSpec) -> JSONValue {
        .object([
            ("name", .string(spec.name)),
            ("summary", .string(spec.summary)),
            ("description", .string(spec.description)),
            ("synopsis", .string(synopsis(spec))),
            ("options", .array(spec.options.map { option in
                .object([
                    ("name", .string(option.name)),
                    ("type", .string(typeName(option.kind))),
                    ("required", .bool(option.required)),
                    ("positional", .bool(option.isPositional)),
                    ("help", .string(option.help)),
                ])
            })),
        ])
    }

    private static func typeName(_ kind: OptionSpec.Kind) -> String {
        switch kind {
        case .bool: "bool"
        case .data, .string: "string"
        case .int: "number"
        case .argv: "list"
        }
    }
}
