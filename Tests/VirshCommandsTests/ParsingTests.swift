import Testing
@testable import VirshCommands

/// All words of `text`, with `;` shown as ";" (end of command), or the error message.
private func tokens(_ text: String) -> [String] {
    var tokenizer = Tokenizer(text)
    var out: [String] = []
    do {
        while true {
            switch try tokenizer.next() {
            case .word(let word): out.append(word)
            case .endOfCommand: out.append(";")
            case .endOfInput: return out
            }
        }
    } catch {
        return out + ["ERROR: \(error.context ?? "")"]
    }
}

@Suite struct TokenizerTests {
    @Test func blanksSeparateWords() {
        #expect(tokens("  list\t--all  ") == ["list", "--all"])
    }

    @Test func semicolonsAndNewlinesEndCommands() {
        #expect(tokens("uri ; ; hostname;") == ["uri", ";", ";", "hostname", ";"])
        #expect(tokens("uri\nhostname") == ["uri", ";", "hostname"])
        #expect(tokens("a;b") == ["a", ";", "b"])
    }

    @Test func quotesAndEscapes() {
        #expect(tokens(#"echo a "b c" 'd;e' f\;g"#) == ["echo", "a", "b c", "d;e", "f;g"])
        #expect(tokens(#"x'y' "a\"b" 'a\b' te\st"#) == ["xy", #"a"b"#, #"a\b"#, "test"])
        #expect(tokens(#""""#) == [""])
    }

    @Test func backslashNewlineIsElided() {
        #expect(tokens("ab\\\ncd") == ["abcd"])
        #expect(tokens("\\\nuri") == ["uri"])
    }

    @Test func commentsRunToEndOfLine() {
        #expect(tokens("uri # trailing comment") == ["uri", ";"])
        #expect(tokens("# only\nhostname") == [";", "hostname"])
        #expect(tokens("a#b") == ["a#b"])
    }

    @Test func unterminatedSingleQuoteRunsToTheEnd() {
        #expect(tokens("domstate 'unterminated") == ["domstate", "unterminated"])
    }

    @Test func errors() {
        #expect(tokens(#"domstate "unterminated"#) == ["domstate", #"ERROR: missing ""#])
        #expect(tokens(#"domstate test\"#) == ["domstate", #"ERROR: dangling \"#])
    }
}

/// A test command with every kind of option.
private let probe = Command(CommandSpec(
    "probe", "test command",
    options: [
        .data("domain", "domain"),
        .int("count", required: true, "count"),
        .string("mode", "mode"),
        .string("named", namedOnly: true, "named only"),
        .flag("reason", "reason"),
        .argv("rest", "rest"),
    ]
)) { _ in }

private let simple = Command(CommandSpec("simple", "no options")) { _ in }

private func lookup(_ name: String) -> Command? {
    switch name {
    case "probe": probe
    case "simple": simple
    default: CommandRegistry.command(named: name)
    }
}

/// The option values of the single parsed command, or the parse error.
private func parse(_ text: String) -> Result<[String: [String]], VirshError> {
    do {
        let commands = try CommandParser.parseAll(text, lookup: lookup)
        return .success(commands.first?.values ?? [:])
    } catch {
        return .failure(error)
    }
}

private func error(_ text: String) -> String? {
    if case .failure(let error) = parse(text) { return error.context }
    return nil
}

@Suite struct CommandParserTests {
    @Test func positionalWordsFillOptionsInOrder() throws {
        let values = try parse("probe dom 5 acpi x y").get()
        #expect(values["domain"] == ["dom"])
        #expect(values["count"] == ["5"])
        #expect(values["mode"] == ["acpi"])
        #expect(values["rest"] == ["x", "y"])
        #expect(values["named"] == nil)
    }

    @Test func namedFormsAndEndOfOptions() throws {
        let values = try parse("probe --count=3 --reason --mode m --named=n -- --dom").get()
        #expect(values["count"] == ["3"])
        #expect(values["reason"] == [])
        #expect(values["mode"] == ["m"])
        #expect(values["named"] == ["n"])
        #expect(values["domain"] == ["--dom"])
    }

    @Test func namedOptionIsSkippedByPositionalWords() throws {
        let values = try parse("probe --domain d 7").get()
        #expect(values["domain"] == ["d"])
        #expect(values["count"] == ["7"])
    }

    @Test func parseErrors() {
        #expect(error("nosuch") == "unknown command: 'nosuch'")
        #expect(error("probe d 1 --bogus") == "command 'probe' doesn't support option --bogus")
        #expect(error("probe d 1 --reason --reason") == "option --reason already seen")
        #expect(error("probe d 1 --count 2") == "option --count already seen")
        #expect(error("simple extra") == "unexpected data 'extra'")
        #expect(error("probe") == "command 'probe' requires <domain> option")
        #expect(error("probe d") == "command 'probe' requires --count option")
        #expect(error("probe d 1 --mode") == "expected syntax: --mode <string>")
        #expect(error("probe d --count") == "expected syntax: --count <number>")
        #expect(error("probe d 1 --reason=yes") == "invalid '=' after option --reason")
    }

    @Test func firstErrorAbortsEverything() {
        #expect(error("uri; nosuch; list --bogus") == "unknown command: 'nosuch'")
        #expect(error("uri; list --bogus; \"oops") == "command 'list' doesn't support option --bogus")
    }

    @Test func helpOptionBecomesHelpCommand() throws {
        let commands = try CommandParser.parseAll("domstate --help", lookup: lookup)
        #expect(commands.map(\.command.spec.name) == ["help"])
    }

    @Test func jsonOptionIsAcceptedEverywhere() throws {
        let commands = try CommandParser.parseAll("uri --json; hostname", lookup: lookup)
        #expect(commands.map(\.json) == [true, false])
    }

    @Test func separateWordsAreOneCommandWithoutQuoteProcessing() throws {
        let commands = try CommandParser.parseWords(["echo", "a;b", "'c'"], lookup: lookup)
        #expect(commands.count == 1)
        #expect(commands[0].values["string"] == ["a;b", "'c'"])
    }
}

@Suite struct GlobalOptionsTests {
    @Test func connectReadonlyQuiet() throws {
        let options = try GlobalOptions(parsing: ["-qr", "--connect=test:///x", "list", "--all"])
        #expect(options.quiet && options.readOnly)
        #expect(options.connect == "test:///x")
        #expect(options.commandWords == ["list", "--all"])
    }

    @Test func attachedAndSeparateArguments() throws {
        #expect(try GlobalOptions(parsing: ["-ctest:///a", "uri"]).connect == "test:///a")
        #expect(try GlobalOptions(parsing: ["--connect", "test:///b", "--", "uri"]).connect == "test:///b")
        #expect(try GlobalOptions(parsing: ["--json", "uri"]).json)
    }

    @Test func versionAndHelp() throws {
        #expect(try GlobalOptions(parsing: ["-v"]).action == .version(long: false))
        #expect(try GlobalOptions(parsing: ["--version=long"]).action == .version(long: true))
        #expect(try GlobalOptions(parsing: ["-h"]).action == .help)
    }

    @Test func errors() {
        #expect(throws: VirshError("unsupported option '--bogus'. See --help.")) { try GlobalOptions(parsing: ["--bogus"]) }
        #expect(throws: VirshError("unsupported option '-x'. See --help.")) { try GlobalOptions(parsing: ["-x"]) }
        #expect(throws: VirshError("option '-c'/'--connect' requires an argument")) { try GlobalOptions(parsing: ["-c"]) }
    }
}
