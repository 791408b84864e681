/// Serialises elements the way libvirt prints its documents.
///
/// `.libvirt` matches libvirt's own `virBuffer` formatting (2-space indentation, single quotes,
/// `virBufferEscapeString` escaping); `.libxml` matches libxml2's `xmlNodeDump`, which libvirt
/// uses for `<metadata>` (double quotes, libxml2 escaping).
public struct XMLWriter: Sendable {
    /// Quoting and escaping conventions.
    public enum Style: Sendable {
        /// libvirt's `virBuffer` formatting.
        case libvirt
        /// libxml2's `xmlNodeDump` formatting.
        case libxml
    }

    private var out: [UInt8] = []
    /// The current indentation, in spaces (`virBufferAdjustIndent`).
    public private(set) var indent: Int

    /// An empty output starting at indentation `indent`.
    public init(indent: Int = 0) {
        self.indent = indent
        out.reserveCapacity(4096)
    }

    /// The text written so far.
    public var string: String { String(decoding: out, as: UTF8.self) }

    /// Writes `element` (and its subtree) on its own lines.
    public mutating func write(_ element: XMLElement, style: Style = .libvirt) {
        startTag(element, style: style)
        if element.children.isEmpty {
            bytes("/>\n")
        } else if element.children.contains(where: \.isCharacterData) {
            byte(UInt8(ascii: ">"))
            for child in element.children { inline(child, style: style) }
            endTag(element.name)
        } else {
            bytes(">\n")
            indent += 2
            for child in element.children { block(child, style: style) }
            indent -= 2
            pad()
            endTag(element.name)
        }
    }

    /// Writes `<name attributes>` and a newline, then indents what follows.
    public mutating func open(_ element: XMLElement) {
        startTag(element, style: .libvirt)
        bytes(">\n")
        indent += 2
    }

    /// Writes `</name>` after undoing `open`'s indentation.
    public mutating func close(_ name: String) {
        indent -= 2
        pad()
        endTag(name)
    }

    /// Writes an empty line, as libvirt does between the sections of `<capabilities>`.
    public mutating func blankLine() {
        byte(0x0A)
    }

    /// Writes `element` as a complete single-element document string.
    public static func format(_ element: XMLElement, style: Style = .libvirt) -> String {
        var writer = XMLWriter()
        writer.write(element, style: style)
        return writer.string
    }

    // MARK: Pieces

    private mutating func block(_ node: XMLNode, style: Style) {
        if case .element(let e) = node { return write(e, style: style) }
        pad()
        inline(node, style: style)
        byte(0x0A)
    }

    private mutating func inline(_ node: XMLNode, style: Style) {
        switch node {
        case .element(let e):
            startTag(e, style: style)
            if e.children.isEmpty { return bytes("/>") }
            byte(UInt8(ascii: ">"))
            for child in e.children { inline(child, style: style) }
            bytes("</")
            bytes(e.name)
            byte(UInt8(ascii: ">"))
        case .text(let t): escape(t, style: style, inAttribute: false)
        case .cdata(let t): bytes("<![CDATA["); bytes(t); bytes("]]>")
        case .comment(let t): bytes("<!--"); bytes(t); bytes("-->")
        case .processingInstruction(let target, let data):
            bytes("<?"); bytes(target)
            if !data.isEmpty { byte(0x20); bytes(data) }
            bytes("?>")
        }
    }

    private mutating func startTag(_ element: XMLElement, style: Style) {
        pad()
        byte(UInt8(ascii: "<"))
        bytes(element.name)
        if style == .libxml {
            // xmlNodeDump prints namespace declarations before the other attributes.
            for a in element.attributes where a.isNamespaceDeclaration { attribute(a, style: style) }
            for a in element.attributes where !a.isNamespaceDeclaration { attribute(a, style: style) }
        } else {
            for a in element.attributes { attribute(a, style: style) }
        }
    }

    private mutating func attribute(_ a: XMLAttribute, style: Style) {
        let quote = style == .libvirt ? UInt8(ascii: "'") : UInt8(ascii: "\"")
        byte(0x20)
        bytes(a.name)
        byte(UInt8(ascii: "="))
        byte(quote)
        escape(a.value, style: style, inAttribute: true)
        byte(quote)
    }

    private mutating func endTag(_ name: String) {
        bytes("</")
        bytes(name)
        bytes(">\n")
    }

    private mutating func pad() {
        out.append(contentsOf: repeatElement(0x20, count: indent))
    }

    /// `virBufferEscapeString` (libvirt) or `xmlEscapeEntities`/`xmlAttrSerializeTxtContent` (libxml).
    private mutating func escape(_ text: String, style: Style, inAttribute: Bool) {
        for b in text.utf8 {
            switch (b, style) {
            case (UInt8(ascii: "<"), _): bytes("&lt;")
            case (UInt8(ascii: ">"), _): bytes("&gt;")
            case (UInt8(ascii: "&"), _): bytes("&amp;")
            case (UInt8(ascii: "'"), .libvirt): bytes("&apos;")
            case (UInt8(ascii: "\""), .libvirt): bytes("&quot;")
            case (UInt8(ascii: "\""), .libxml) where inAttribute: bytes("&quot;")
            case (0x0D, .libxml): bytes("&#13;")
            case (0x0A, .libxml) where inAttribute: bytes("&#10;")
            case (0x09, .libxml) where inAttribute: bytes("&#9;")
            case (0x09, _), (0x0A, _), (0x0D, _): byte(b)
            case (..<0x20, .libvirt): break
            default: byte(b)
            }
        }
    }

    private mutating func byte(_ b: UInt8) { out.append(b) }
    private mutating func bytes(_ s: String) { out.append(contentsOf: s.utf8) }
}

extension XMLNode {
    /// Text or CDATA: content that stops libxml2 (and so libvirt) from indenting siblings.
    var isCharacterData: Bool {
        switch self {
        case .text, .cdata: true
        case .element, .comment, .processingInstruction: false
        }
    }
}

extension XMLAttribute {
    /// `xmlns` or `xmlns:prefix`.
    var isNamespaceDeclaration: Bool { name == "xmlns" || name.hasPrefix("xmlns:") }
}
