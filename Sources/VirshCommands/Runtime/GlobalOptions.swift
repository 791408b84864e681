/// The options before the command (`virsh [options]... [command]`), parsed as virsh's
/// getopt does: short options may be bundled (`-qr`) and take their argument attached
/// (`-cURI`) or as the next word; long options take `--name=value` or `--name value`;
/// parsing stops at `--` or at the first word that is not an option.
struct GlobalOptions {
    /// What virsh should do besides running commands.
    enum Action: Equatable {
        /// Run the command words (or nothing).
        case run
        /// `-h`/`--help`: print usage.
        case help
        /// `-v`, `-V`, `--version[=short|long]`.
        case version(long: Bool)
    }

    /// `-c`/`--connect`.
    var connect: String?
    /// `-r`/`--readonly`.
    var readOnly = false
    /// `-q`/`--quiet`.
    var quiet = false
    /// `--json` (virtsh only): every command prints JSON.
    var json = false
    /// What to do.
    var action = Action.run
    /// The words after the options: one command string, or one command's words.
    var commandWords: [String] = []

    /// Options taking an argument that virtsh accepts and ignores (debug level, console
    /// escape, keepalive, log file), by short letter and long name.
    private static let ignoredWithArgument: [(short: Character, long: String)] = [
        ("d", "debug"), ("e", "escape"), ("k", "keepalive-interval"), ("K", "keepalive-count"), ("l", "log"),
    ]

    /// Parses `arguments` (without the program name).
    init(parsing arguments: [String]) throws(VirshError) {
        var index = 0
        func argument(for short: Character, _ long: String, attached: String?) throws(VirshError) -> String {
            if let attached { return attached }
            index += 1
            guard index < arguments.count else {
                throw VirshError("option '-\(short)'/'--\(long)' requires an argument")
            }
            return arguments[index]
        }
        while index < arguments.count {
            let word = arguments[index]
            if word == "--" {
                index += 1
                break
            } else if word.hasPrefix("--") {
                let body = word.dropFirst(2)
                let name = String(body.prefix { $0 != "=" })
                let attached = body.contains("=") ? String(body.drop { $0 != "=" }.dropFirst()) : nil
                switch name {
                case "connect": connect = try argument(for: "c", name, attached: attached)
                case "readonly" where attached == nil: readOnly = true
                case "quiet" where attached == nil: quiet = true
                case "json" where attached == nil: json = true
                case "help" where attached == nil: action = .help
                case "timing" where attached == nil: break
                case "version":
                    guard attached == nil || attached == "short" || attached == "long" else {
                        throw VirshError("unknown version type '\(attached ?? "")'")
                    }
                    action = .version(long: attached == "long")
                default:
                    guard let ignored = Self.ignoredWithArgument.first(where: { $0.long == name }) else {
                        throw VirshError("unsupported option '\(word)'. See --help.")
                    }
                    _ = try argument(for: ignored.short, name, attached: attached)
                }
            } else if word.hasPrefix("-") && word.count > 1 {
                var letters = word.dropFirst()
                while let letter = letters.popFirst() {
                    let rest = letters.isEmpty ? nil : String(letters)
                    switch letter {
                    case "c":
                        connect = try argument(for: "c", "connect", attached: rest)
                        letters = ""
                    case "r": readOnly = true
                    case "q": quiet = true
                    case "t": break
                    case "h": action = .help
                    case "v": action = .version(long: false)
                    case "V": action = .version(long: true)
                    default:
                        guard let ignored = Self.ignoredWithArgument.first(where: { $0.short == letter }) else {
                            throw VirshError("unsupported option '-\(letter)'. See --help.")
                        }
                        _ = try argument(for: letter, ignored.long, attached: rest)
                        letters = ""
                    }
                }
            } else {
                break
            }
            index += 1
        }
        commandWords = Array(arguments[index...])
    }
}
