import JSON
import Testing
@testable import VirshCommands

@Suite struct FormattingTests {
    @Test func tableLayout() {
        var table = Table(headers: ["Id", "Name", "State"])
        table.rows = [["1", "test", "running"]]
        #expect(table.render(includeHeader: true) == " Id   Name   State\n----------------------\n 1    test   running\n")
        #expect(Table(headers: ["Id", "Name", "State"]).render(includeHeader: true) == " Id   Name   State\n--------------------\n")
    }

    @Test func quietTableIgnoresHeaderWidths() {
        var table = Table(headers: ["Id", "Name", "State"])
        table.rows = [["2", "test", "running"]]
        #expect(table.render(includeHeader: false) == " 2   test   running\n")
    }

    @Test func emptyLastColumnKeepsPadding() {
        var table = Table(headers: ["Id", "Name", "State", "Title"])
        table.rows = [["1", "test", "running", ""]]
        #expect(table.render(includeHeader: true).hasSuffix(" 1    test   running   \n"))
    }

    @Test func keyValueLines() {
        var lines = KeyValueList(width: 15)
        lines.add("Id:", "1")
        lines.add("Security DOI:", "")
        #expect(lines.rendered == "Id:             1\nSecurity DOI:   \n")
    }

    @Test func tree() {
        let tree = Tree(nodes: [("a", nil), ("b", "a"), ("c", "b"), ("d", "a"), ("e", "d")])
        #expect(tree.rendered == "a\n  |\n  +- b\n  |   |\n  |   +- c\n  |     \n  +- d\n      |\n      +- e\n        \n")
        #expect(Tree(nodes: [("s", nil)]).rendered == "s\n\n")
    }

    @Test func jsonEscaping() {
        let value = JSONValue.object([("a", .string("q\"\\\n\u{1}")), ("b", .array([.int(-1), .int(2), .bool(true), .null]))])
        #expect(value.serialized == #"{"a":"q\"\\\n\u0001","b":[-1,2,true,null]}"#)
    }

    @Test func scaledNumbers() throws {
        #expect(try NumberParsing.scale(1, suffix: "G", defaultScale: 1024, maximum: .max) == 1 << 30)
        #expect(try NumberParsing.scale(1024, suffix: "", defaultScale: 1024, maximum: .max) == 1 << 20)
        #expect(try NumberParsing.scale(512, suffix: "b", defaultScale: 1024, maximum: .max) == 512)
        #expect(try NumberParsing.scale(1, suffix: "KB", defaultScale: 1024, maximum: .max) == 1000)
        #expect(throws: (any Error).self) { try NumberParsing.scale(1, suffix: "XB", defaultScale: 1024, maximum: .max) }
        #expect(throws: (any Error).self) { try NumberParsing.scale(.max, suffix: "", defaultScale: 1024, maximum: .max) }
        #expect(NumberParsing.leadingUnsigned("-5") == nil)
        #expect(NumberParsing.leadingUnsigned("1.5G")?.1 == ".5G")
    }

    @Test func helpText() throws {
        let spec = try #require(CommandRegistry.command(named: "domstate")).spec
        #expect(HelpText.render(spec) == """
              NAME
                domstate - domain state

              SYNOPSIS
                domstate <domain> [--reason]

              DESCRIPTION
                Returns state about a domain.

              OPTIONS
                [--domain] <string>  domain name, id or uuid
                --reason         also print reason for the state


            """)
        let createAs = try #require(CommandRegistry.command(named: "snapshot-create-as")).spec
        #expect(HelpText.synopsis(createAs).hasSuffix("[--memspec <string>] [[--diskspec] <string>]..."))
    }
}
