/// One attribute of an element, in document order (libxml2's `xmlAttr`).
public struct XMLAttribute: Sendable, Equatable {
    /// The qualified name, e.g. `type` or `xmlns:qemu`.
    public var name: String
    /// The value with entities and character references resolved.
    public var value: String

    /// An attribute `name='value'`.
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// A node of the document tree (libxml2's `xmlNode` kinds that libvirt meets).
public enum XMLNode: Sendable, Equatable {
    /// An element (`XML_ELEMENT_NODE`).
    case element(XMLElement)
    /// Character data (`XML_TEXT_NODE`), entities resolved.
    case text(String)
    /// A `<![CDATA[…]]>` section (`XML_CDATA_SECTION_NODE`).
    case cdata(String)
    /// A `<!--…-->` comment (`XML_COMMENT_NODE`).
    case comment(String)
    /// A `<?target data?>` processing instruction (`XML_PI_NODE`).
    case processingInstruction(target: String, data: String)
}

/// An element with ordered attributes and children (libxml2's `xmlNode` of type element).
public struct XMLElement: Sendable, Equatable {
    /// The qualified name, e.g. `disk` or `qemu:commandline`.
    public var name: String
    /// Attributes in document order.
    public var attributes: [XMLAttribute]
    /// Child nodes in document order.
    public var children: [XMLNode]

    /// An element with the given content.
    public init(_ name: String, attributes: [XMLAttribute] = [], children: [XMLNode] = []) {
        self.name = name
        self.attributes = attributes
        self.children = children
    }

    /// An element whose only content is `text` (e.g. `<name>vm</name>`).
    public init(_ name: String, attributes: [XMLAttribute] = [], text: String) {
        self.init(name, attributes: attributes, children: [.text(text)])
    }

    /// The value of attribute `name` (`virXMLPropString`).
    public func attribute(_ name: String) -> String? {
        attributes.first { $0.name == name }?.value
    }

    /// Sets, replaces or (with `nil`) removes attribute `name`, keeping its position.
    public mutating func setAttribute(_ name: String, _ value: String?) {
        if let index = attributes.firstIndex(where: { $0.name == name }) {
            if let value { attributes[index].value = value } else { attributes.remove(at: index) }
        } else if let value {
            attributes.append(XMLAttribute(name, value))
        }
    }

    /// The child elements, in order.
    public var elements: [XMLElement] {
        children.compactMap { if case .element(let e) = $0 { e } else { nil } }
    }

    /// The first child element called `name`.
    public func child(_ name: String) -> XMLElement? {
        for case .element(let e) in children where e.name == name { return e }
        return nil
    }

    /// The concatenated text and CDATA content of this element and its descendants
    /// (XPath `string(.)`).
    public var text: String {
        var out = ""
        appendText(to: &out)
        return out
    }

    private func appendText(to out: inout String) {
        for node in children {
            switch node {
            case .text(let s), .cdata(let s): out += s
            case .element(let e): e.appendText(to: &out)
            case .comment, .processingInstruction: break
            }
        }
    }

    /// Appends a child element.
    public mutating func append(_ element: XMLElement) {
        children.append(.element(element))
    }

    /// Appends a child element `<name>text</name>` when `text` is not `nil`.
    mutating func appendLeaf(_ name: String, _ text: String?) {
        if let text { append(XMLElement(name, text: text)) }
    }
}

/// A parsed document: the root element and the nodes around it (libxml2's `xmlDoc`).
public struct XMLDocument: Sendable, Equatable {
    /// Comments and processing instructions before the root (the XML declaration is not kept).
    public var prolog: [XMLNode]
    /// The document element.
    public var root: XMLElement
    /// Comments and processing instructions after the root.
    public var epilog: [XMLNode]

    /// A document made of `root` alone.
    public init(root: XMLElement, prolog: [XMLNode] = [], epilog: [XMLNode] = []) {
        self.root = root
        self.prolog = prolog
        self.epilog = epilog
    }
}
