import Testing
import VirtError
@testable import VirtXML

/// The hand-written XML 1.0 parser: well-formedness, entity refusal, limits.
struct XMLParserTests {
    private func parseError(_ text: String) -> VirError? {
        do {
            _ = try XMLParser.parse(text, documentName: "(test)")
            return nil
        } catch {
            return error
        }
    }

    @Test func parsesAttributesTextCommentsAndInstructions() throws {
        let doc = try XMLParser.parse("""
            <?xml version='1.0'?><!--c--><r a='1' b="&lt;&amp;&#65;&#x42;"><?pi data?><x/>t<![CDATA[<c>]]></r><!--after-->
            """)
        #expect(doc.prolog == [.comment("c")])
        #expect(doc.epilog == [.comment("after")])
        #expect(doc.root.attributes == [XMLAttribute("a", "1"), XMLAttribute("b", "<&AB")])
        #expect(doc.root.children == [.processingInstruction(target: "pi", data: "data"), .element(XMLElement("x")), .text("t"), .cdata("<c>")])
        #expect(doc.root.text == "t<c>")
    }

    @Test func normalisesLineEndsAndAttributeBlanks() throws {
        let doc = try XMLParser.parse("<r a='x\ty\r\nz'>a\r\nb\rc</r>")
        #expect(doc.root.attribute("a") == "x y z")
        #expect(doc.root.text == "a\nb\nc")
    }

    @Test func dropsIndentationButKeepsBlankOnlyContent() throws {
        let doc = try XMLParser.parse("<r>\n  <a> </a>\n</r>")
        #expect(doc.root.children == [.element(XMLElement("a", text: " "))])
    }

    @Test(arguments: [
        ("", "Document is empty"),
        ("   ", "Document is empty"),
        ("<a>", "Premature end of data in tag a"),
        ("<domain", "Couldn't find end of Start Tag domain line 1"),
        ("<a x='1'", "Couldn't find end of Start Tag a line 1"),
        ("<a><b></a>", "Opening and ending tag mismatch: b line 1 and a"),
        ("<a x=1/>", "AttValue"),
        ("<a x/>", "Specification mandates value for attribute x"),
        ("<a x='1' x='2'/>", "Attribute x redefined"),
        ("<a x='1'y='2'/>", "attributes construct error"),
        ("<a/><b/>", "Extra content at the end of the document"),
        ("<a/>junk", "Extra content at the end of the document"),
        ("<a>&bogus;</a>", "Entity 'bogus' not defined"),
        ("<a>&#0;</a>", "invalid character reference"),
        ("<a>\u{1}</a>", "invalid character"),
        ("<a x='<'/>", "Unescaped '<'"),
        ("<a>]]></a>", "']]>' not allowed"),
        ("<a><!-- x -- y --></a>", "Double hyphen within comment"),
        ("<a><?xml version='1.0'?></a>", "XML declaration allowed only at the start"),
        ("<1a/>", "invalid element name"),
    ])
    func rejectsMalformedInput(input: String, message: String) throws {
        let error = try #require(parseError(input))
        #expect(error.code == .xmlDetail)
        #expect(error.message.contains(message), "\(error.message)")
        #expect(error.message.hasPrefix("(test):1:"))
    }

    /// The report has libvirt's shape for libxml2 errors: line, message, the line where
    /// the parser stopped, and a pointer to where; `(null)` when it stopped after the last
    /// line break.
    @Test func reportsLineAndPointerLikeLibvirt() throws {
        let mismatch = try #require(parseError("<domain>\n  <name>x</nam>\n</domain>"))
        #expect(mismatch.message == "(test):2: Opening and ending tag mismatch: name line 2 and nam\n  <name>x</nam>\n---------------^")
        let truncated = try #require(parseError("<domain>\n<name>x</name>\n\n"))
        #expect(truncated.message == "(test):4: Premature end of data in tag domain line 1\n(null)\n^")
        let unterminated = try #require(parseError("<domain type='test'>"))
        #expect(unterminated.message == "(test):1: Premature end of data in tag domain line 1\n<domain type='test'>\n--------------------^")
        let empty = try #require(parseError(""))
        #expect(empty.message == "(test):1: Document is empty\n(null)\n^")
    }

    @Test func refusesDoctypeBillionLaughs() throws {
        let laughs = """
            <?xml version="1.0"?>
            <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
            <lolz>&lol2;</lolz>
            """
        let error = try #require(parseError(laughs))
        #expect(error.code == .xmlDetail)
        #expect(error.message.contains("DOCTYPE is not allowed"))
    }

    @Test func refusesExternalEntities() throws {
        let xxe = "<!DOCTYPE domain [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><domain type='test'><name>&xxe;</name></domain>"
        #expect(parseError(xxe)?.message.contains("DOCTYPE is not allowed") == true)
        #expect(parseError("<domain type='test'><name>&xxe;</name></domain>")?.message.contains("Entity 'xxe' not defined") == true)
        let viaDomain = #expect(throws: VirError.self) { try DomainDefinition.parse(xxe) }
        #expect(viaDomain?.message.hasPrefix("(domain_definition):1:") == true)
    }

    @Test func boundsNestingDepth() throws {
        let ok = String(repeating: "<a>", count: XMLParser.maximumDepth) + String(repeating: "</a>", count: XMLParser.maximumDepth)
        #expect(parseError(ok) == nil)
        let deep = String(repeating: "<a>", count: 100_000) + String(repeating: "</a>", count: 100_000)
        #expect(parseError(deep)?.message.contains("Excessive depth") == true)
    }

    @Test func rejectsInvalidUTF8() throws {
        var bytes = Array("<a>ok</a>".utf8)
        bytes.insert(0xC3, at: 3)
        bytes.insert(0x28, at: 4)
        let error = try #require(throws: VirError.self) { try XMLParser.parse(bytes: bytes, documentName: "(test)") }
        #expect(error.message.hasPrefix("(test):1: Input is not proper UTF-8"))
        for bad: [UInt8] in [[0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82]] {
            #expect(throws: VirError.self) { try XMLParser.parse(bytes: Array("<a>".utf8) + bad + Array("</a>".utf8)) }
        }
        #expect(try XMLParser.parse(bytes: [0xEF, 0xBB, 0xBF] + Array("<a>é</a>".utf8)).root.text == "é")
    }

    @Test func writerFormatsLikeLibvirt() {
        let e = XMLElement("os", attributes: [], children: [
            .element(XMLElement("type", attributes: [XMLAttribute("arch", "i686")], text: "hvm")),
            .element(XMLElement("boot", attributes: [XMLAttribute("dev", "hd")])),
            .element(XMLElement("cmdline", text: "a<b>&'\"\u{1}")),
        ])
        #expect(XMLWriter.format(e) == """
            <os>
              <type arch='i686'>hvm</type>
              <boot dev='hd'/>
              <cmdline>a&lt;b&gt;&amp;&apos;&quot;</cmdline>
            </os>

            """)
        let metadata = XMLElement("m:x", attributes: [XMLAttribute("a", "'\"\n"), XMLAttribute("xmlns:m", "u")], text: "'\"")
        #expect(XMLWriter.format(metadata, style: .libxml) == "<m:x xmlns:m=\"u\" a=\"'&quot;&#10;\">'\"</m:x>\n")
    }
}
