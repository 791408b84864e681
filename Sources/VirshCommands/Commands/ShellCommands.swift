/// Commands of the shell itself: `help`, `echo`, `quit`, `exit`.
enum ShellCommands {
    static let all: [Command] = [help, echo, quit("quit"), quit("exit"), cd]

    /// `help [COMMAND]`
    static let help = Command(CommandSpec(
        "help", "print help",
        description: "Prints global help, command specific help, or help for a\ngroup of related commands",
        options: [.string("command", "Prints global help, command specific help, or help for a group of related commands")],
        needsConnection: false
    )) { ctx in
        guard let name = try ctx.string("command") else {
            var out = " Commands:\n\n"
            for command in CommandRegistry.all {
                out += "    \(command.spec.name.padded(to: 30)) \(command.spec.summary)\n"
            }
            ctx.print(out)
            ctx.result(.array(CommandRegistry.all.map { .object([("name", .string($0.spec.name)), ("summary", .string($0.spec.summary))]) }))
            return
        }
        guard let command = CommandRegistry.command(named: name) else {
            throw VirshError("command or command group '\(name)' doesn't exist", code: .noSupport)
        }
        ctx.print(HelpText.render(command.spec))
        ctx.result(HelpText.json(command.spec))
    }

    /// `echo [--shell] [--xml] [--split] [--err] [STRING]...`
    static let echo = Command(CommandSpec(
        "echo", "echo arguments. Used for internal testing.",
        description: "Echo back arguments, possibly with quoting. Used for internal testing.",
        options: [
            .flag("shell", "escape for shell use"),
            .flag("xml", "escape for XML use"),
            .flag("split", "split each argument on ','; ',,' is an escape sequence"),
            .flag("err", "output to stderr"),
            .argv("string", "arguments to echo"),
        ],
        needsConnection: false
    )) { ctx in
        for (a, b) in [("shell", "xml"), ("shell", "split"), ("xml", "split")] { try ctx.exclusive(a, b) }
        let text = ctx.list("string").map { argument in
            guard ctx.flag("split") else { return escape(argument, ctx) }
            return CommaList.split(argument).map { escape($0, ctx) + "\n" }.joined()
        }.joined(separator: " ")
        if ctx.flag("err") { ctx.printError(text + "\n") } else { ctx.print(text) }
        ctx.result(.object([("text", .string(text))]))
    }

    /// `cd [DIR]`: only meaningful in an interactive shell, which virtsh is not.
    static let cd = Command(CommandSpec(
        "cd", "change the current directory", description: "Change the current directory.",
        options: [.string("dir", "directory to switch to (default: home or else root)")],
        needsConnection: false
    )) { _ in
        throw VirshError("cd: command valid only in interactive mode", code: .operationInvalid)
    }

    /// `quit` / `exit`: stop running commands.
    static func quit(_ name: String) -> Command {
        Command(CommandSpec(name, "quit this interactive terminal", needsConnection: false)) { ctx in
            ctx.stopRequested = true
        }
    }

    /// `word` escaped as `--xml` and `--shell` ask.
    private static func escape(_ word: String, _ ctx: CommandContext) -> String {
        var word = word
        if ctx.flag("xml") { word = XMLEscaping.escape(word) }
        if ctx.flag("shell") { word = shellQuoted(word) }
        return word
    }

    /// `word` as one shell word: unchanged when it needs no quoting, else single-quoted.
    private static func shellQuoted(_ word: String) -> String {
        let special = Set(" \t\n\\'\"`$|&;()<>~{}[]*?!#^")
        if !word.isEmpty && !word.contains(where: special.contains) { return word }
        return "'" + word.replacing("'", with: "'\\''") + "'"
    }
}

/// XML text escaping of `&`, `<`, `>`, `"` and `'`.
enum XMLEscaping {
    /// `text` with XML's special characters escaped.
    static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(c)
            }
        }
        return out
    }
}
