/// The recursive-descent scanner behind `XMLParser`, working on UTF-8 bytes.
struct XMLScanner {
    private let bytes: [UInt8]
    private var pos = 0
    private var depth = 0
    /// Scratch space for character data that needs entity or line-end translation.
    private var buffer: [UInt8] = []

    init(bytes: [UInt8]) {
        self.bytes = bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { pos = 3 }
    }

    // MARK: Document structure

    /// `document ::= prolog element Misc*`
    mutating func document() throws(XMLSyntaxError) -> XMLDocument {
        if matches("<?xml"), pos + 5 < bytes.count, isSpace(bytes[pos + 5]) {
            pos += 5
            _ = try processingInstructionBody(start: pos - 5)
        }
        let prolog = try misc(beforeRoot: true)
        guard pos < bytes.count else { throw fail("Document is empty") }
        guard bytes[pos] == UInt8(ascii: "<") else { throw fail("Start tag expected, '<' not found") }
        let root = try element()
        let epilog = try misc(beforeRoot: false)
        guard pos == bytes.count else { throw fail("Extra content at the end of the document") }
        return XMLDocument(root: root, prolog: prolog, epilog: epilog)
    }

    /// Comments, processing instructions and blanks around the root element.
    private mutating func misc(beforeRoot: Bool) throws(XMLSyntaxError) -> [XMLNode] {
        var nodes: [XMLNode] = []
        while true {
            skipSpace()
            if matches("<!--") {
                nodes.append(try comment())
            } else if matches("<?") {
                nodes.append(try processingInstruction())
            } else if matches("<!DOCTYPE") {
                throw fail("DOCTYPE is not allowed: document type declarations and entities are refused")
            } else if beforeRoot || pos == bytes.count {
                return nodes
            } else {
                throw fail("Extra content at the end of the document")
            }
        }
    }

    /// `element ::= EmptyElemTag | STag content ETag`, with `pos` at '<'.
    private mutating func element() throws(XMLSyntaxError) -> XMLElement {
        let start = pos
        depth += 1
        defer { depth -= 1 }
        guard depth <= XMLParser.maximumDepth else {
            throw fail("Excessive depth in document: \(XMLParser.maximumDepth) is the maximum")
        }
        pos += 1
        let name = try self.name()
        var element = XMLElement(name)
        while true {
            let hadSpace = skipSpace()
            guard pos < bytes.count else { throw fail("Couldn't find end of Start Tag \(name) line \(lineNumber(at: start))") }
            if bytes[pos] == UInt8(ascii: "/") {
                guard matches("/>") else { throw fail("expected '>'") }
                pos += 2
                return element
            }
            if bytes[pos] == UInt8(ascii: ">") {
                pos += 1
                break
            }
            guard hadSpace else { throw fail("attributes construct error") }
            let attribute = try self.attribute()
            if element.attributes.contains(where: { $0.name == attribute.name }) {
                throw fail("Attribute \(attribute.name) redefined")
            }
            element.attributes.append(attribute)
        }
        element.children = try content(of: name, start: start)
        return element
    }

    /// `Attribute ::= Name Eq AttValue`
    private mutating func attribute() throws(XMLSyntaxError) -> XMLAttribute {
        let name = try self.name()
        skipSpace()
        guard pos < bytes.count, bytes[pos] == UInt8(ascii: "=") else {
            throw fail("Specification mandates value for attribute \(name)")
        }
        pos += 1
        skipSpace()
        guard pos < bytes.count, bytes[pos] == UInt8(ascii: "'") || bytes[pos] == UInt8(ascii: "\"") else {
            throw fail("AttValue: \" or ' expected")
        }
        let quote = bytes[pos]
        pos += 1
        let value = try characterData(until: quote, inAttribute: true)
        guard pos < bytes.count else { throw fail("AttValue: ' expected") }
        pos += 1
        return XMLAttribute(name, value)
    }

    /// The children of element `name`, up to and including its end tag.
    private mutating func content(of name: String, start: Int) throws(XMLSyntaxError) -> [XMLNode] {
        var children: [XMLNode] = []
        var hasElement = false
        while true {
            guard pos < bytes.count else { throw fail("Premature end of data in tag \(name) line \(lineNumber(at: start))") }
            if bytes[pos] != UInt8(ascii: "<") {
                children.append(.text(try characterData(until: UInt8(ascii: "<"), inAttribute: false)))
            } else if matches("</") {
                pos += 2
                let endName = try self.name()
                guard endName == name else {
                    skipSpace()
                    if pos < bytes.count, bytes[pos] == UInt8(ascii: ">") { pos += 1 }
                    throw fail("Opening and ending tag mismatch: \(name) line \(lineNumber(at: start)) and \(endName)")
                }
                skipSpace()
                guard pos < bytes.count, bytes[pos] == UInt8(ascii: ">") else { throw fail("expected '>'") }
                pos += 1
                break
            } else if matches("<!--") {
                children.append(try comment())
            } else if matches("<![CDATA[") {
                children.append(try cdata())
            } else if matches("<?") {
                children.append(try processingInstruction())
            } else if matches("<!") {
                throw fail("markup declarations are not allowed in content")
            } else {
                children.append(.element(try element()))
                hasElement = true
            }
        }
        // libvirt parses with xmlKeepBlanksDefault(0): indentation between elements is dropped.
        if hasElement {
            children.removeAll { if case .text(let t) = $0 { t.utf8.allSatisfy(isSpace) } else { false } }
        }
        return children
    }

    // MARK: Lexical pieces

    /// `Name`: ASCII letters, digits, `_ : - .`, and any non-ASCII character.
    private mutating func name() throws(XMLSyntaxError) -> String {
        let start = pos
        guard pos < bytes.count, isNameStart(bytes[pos]) else { throw fail("StartTag: invalid element name") }
        pos += 1
        while pos < bytes.count, isNameChar(bytes[pos]) { pos += 1 }
        return String(decoding: bytes[start..<pos], as: UTF8.self)
    }

    /// Text or an attribute value up to `terminator`, with references expanded, line ends
    /// normalised and (in attributes) blanks turned into spaces.
    private mutating func characterData(until terminator: UInt8, inAttribute: Bool) throws(XMLSyntaxError) -> String {
        let start = pos
        while pos < bytes.count {
            let b = bytes[pos]
            if b == terminator || b == UInt8(ascii: "&") || b == 0x0D || (inAttribute && (b == 0x09 || b == 0x0A)) { break }
            try checkCharacter(b, inAttribute: inAttribute)
            pos += 1
        }
        if pos >= bytes.count || bytes[pos] == terminator {
            return String(decoding: bytes[start..<pos], as: UTF8.self)
        }
        buffer.removeAll(keepingCapacity: true)
        buffer.append(contentsOf: bytes[start..<pos])
        while pos < bytes.count, bytes[pos] != terminator {
            let b = bytes[pos]
            switch b {
            case UInt8(ascii: "&"):
                try reference()
            case 0x0D:
                buffer.append(inAttribute ? 0x20 : 0x0A)
                pos += 1
                if pos < bytes.count, bytes[pos] == 0x0A { pos += 1 }
            case 0x09 where inAttribute, 0x0A where inAttribute:
                buffer.append(0x20)
                pos += 1
            default:
                try checkCharacter(b, inAttribute: inAttribute)
                buffer.append(b)
                pos += 1
            }
        }
        return String(decoding: buffer, as: UTF8.self)
    }

    /// Refuses control characters, `<` in attribute values and `]]>` in text.
    private func checkCharacter(_ b: UInt8, inAttribute: Bool) throws(XMLSyntaxError) {
        if b < 0x20, b != 0x09, b != 0x0A, b != 0x0D {
            throw fail("invalid character in \(inAttribute ? "attribute value" : "content"): #x\(String(b, radix: 16))")
        }
        if inAttribute, b == UInt8(ascii: "<") { throw fail("Unescaped '<' not allowed in attributes values") }
        if !inAttribute, b == UInt8(ascii: ">"), pos >= 2, bytes[pos - 1] == UInt8(ascii: "]"), bytes[pos - 2] == UInt8(ascii: "]") {
            throw fail("Sequence ']]>' not allowed in content")
        }
    }

    /// Expands `&…;` into `buffer`: the five predefined entities and character references only.
    private mutating func reference() throws(XMLSyntaxError) {
        let start = pos
        pos += 1
        guard let semicolon = bytes[pos...].prefix(16).firstIndex(of: UInt8(ascii: ";")) else {
            throw fail("EntityRef: expecting ';'", at: start)
        }
        let body = bytes[pos..<semicolon]
        pos = semicolon + 1
        switch String(decoding: body, as: UTF8.self) {
        case "lt": buffer.append(UInt8(ascii: "<"))
        case "gt": buffer.append(UInt8(ascii: ">"))
        case "amp": buffer.append(UInt8(ascii: "&"))
        case "apos": buffer.append(UInt8(ascii: "'"))
        case "quot": buffer.append(UInt8(ascii: "\""))
        case let name where name.hasPrefix("#"):
            guard let scalar = characterReference(name.dropFirst()) else {
                throw fail("invalid character reference &\(name);", at: start)
            }
            buffer.append(contentsOf: String(Character(scalar)).utf8)
        case let name:
            throw fail("Entity '\(name)' not defined: only the predefined entities are allowed", at: start)
        }
    }

    /// `#123` or `#x7B`, when it names a character XML allows.
    private func characterReference(_ digits: Substring) -> Unicode.Scalar? {
        let value = digits.hasPrefix("x") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
        guard let value, value == 0x9 || value == 0xA || value == 0xD || (0x20...0xD7FF).contains(value)
                || (0xE000...0xFFFD).contains(value) || (0x10000...0x10FFFF).contains(value) else { return nil }
        return Unicode.Scalar(value)
    }

    /// `<!--…-->`, with `pos` at '<'.
    private mutating func comment() throws(XMLSyntaxError) -> XMLNode {
        let start = pos
        pos += 4
        let body = pos
        while pos < bytes.count {
            if matches("--") {
                guard matches("-->") else { throw fail("Double hyphen within comment") }
                let text = String(decoding: bytes[body..<pos], as: UTF8.self)
                pos += 3
                return .comment(text)
            }
            try checkCharacter(bytes[pos], inAttribute: false)
            pos += 1
        }
        throw fail("Comment not terminated", at: start)
    }

    /// `<![CDATA[…]]>`, with `pos` at '<'.
    private mutating func cdata() throws(XMLSyntaxError) -> XMLNode {
        let start = pos
        pos += 9
        let body = pos
        while pos < bytes.count, !matches("]]>") {
            let b = bytes[pos]
            if b < 0x20, b != 0x09, b != 0x0A, b != 0x0D { throw fail("invalid character in CDATA section") }
            pos += 1
        }
        guard pos < bytes.count else { throw fail("CData section not finished", at: start) }
        let text = String(decoding: bytes[body..<pos], as: UTF8.self)
        pos += 3
        return .cdata(text)
    }

    /// `<?target data?>`, with `pos` at '<'.
    private mutating func processingInstruction() throws(XMLSyntaxError) -> XMLNode {
        let start = pos
        pos += 2
        let target = try name()
        if target.lowercased() == "xml" { throw fail("XML declaration allowed only at the start of the document", at: start) }
        return .processingInstruction(target: target, data: try processingInstructionBody(start: start))
    }

    /// The data of a processing instruction, up to and including `?>`.
    private mutating func processingInstructionBody(start: Int) throws(XMLSyntaxError) -> String {
        skipSpace()
        let body = pos
        while pos < bytes.count, !matches("?>") {
            try checkCharacter(bytes[pos], inAttribute: false)
            pos += 1
        }
        guard pos < bytes.count else { throw fail("ParsePI: PI not terminated", at: start) }
        let data = String(decoding: bytes[body..<pos], as: UTF8.self)
        pos += 2
        return data
    }

    // MARK: Helpers

    private func matches(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard pos + count <= bytes.count else { return false }
        return literal.withUTF8Buffer { lit in
            for i in 0..<count where bytes[pos + i] != lit[i] { return false }
            return true
        }
    }

    @discardableResult
    private mutating func skipSpace() -> Bool {
        let start = pos
        while pos < bytes.count, isSpace(bytes[pos]) { pos += 1 }
        return pos != start
    }

    private func isNameStart(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || b == UInt8(ascii: "_") || b == UInt8(ascii: ":") || b >= 0x80
    }

    private func isNameChar(_ b: UInt8) -> Bool {
        isNameStart(b) || (b >= 0x30 && b <= 0x39) || b == UInt8(ascii: "-") || b == UInt8(ascii: ".")
    }

    /// The 1-based line of byte `offset`.
    private func lineNumber(at offset: Int) -> Int {
        1 + bytes[0..<min(offset, bytes.count)].reduce(0) { $1 == 0x0A ? $0 + 1 : $0 }
    }

    private func fail(_ what: String, at offset: Int? = nil) -> XMLSyntaxError {
        XMLSyntaxError(bytes: bytes, offset: offset ?? pos, what: what)
    }
}

/// XML's `S` production: space, tab, line feed, carriage return.
@inline(__always)
func isSpace(_ b: UInt8) -> Bool {
    b == 0x20 || b == 0x0A || b == 0x09 || b == 0x0D
}
