import VirtError

/// Reads a modelled element, remembering which attributes and children were used so that
/// the rest can be kept as `XMLExtras` (libvirt's `virXMLProp*` helpers, plus bookkeeping).
struct ElementReader {
    let element: XMLElement
    private var usedAttributes: [Bool]
    private var usedChildren: [Bool]

    init(_ element: XMLElement) {
        self.element = element
        usedAttributes = Array(repeating: false, count: element.attributes.count)
        usedChildren = Array(repeating: false, count: element.children.count)
    }

    /// Attribute `name`, marked as used.
    mutating func attribute(_ name: String) -> String? {
        guard let i = element.attributes.firstIndex(where: { $0.name == name }) else { return nil }
        usedAttributes[i] = true
        return element.attributes[i].value
    }

    /// The first child element `name`, marked as used.
    mutating func child(_ name: String) -> XMLElement? {
        for (i, node) in element.children.enumerated() where !usedChildren[i] {
            if case .element(let e) = node, e.name == name {
                usedChildren[i] = true
                return e
            }
        }
        return nil
    }

    /// Every child element `name`, marked as used.
    mutating func children(_ name: String) -> [XMLElement] {
        var found: [XMLElement] = []
        for (i, node) in element.children.enumerated() where !usedChildren[i] {
            if case .element(let e) = node, e.name == name {
                usedChildren[i] = true
                found.append(e)
            }
        }
        return found
    }

    /// The text of the first child element `name` (XPath `string(./name)`), or `nil` if absent.
    mutating func childText(_ name: String) -> String? {
        child(name)?.text
    }

    /// Whether a flag element such as `<readonly/>` is present.
    mutating func flag(_ name: String) -> Bool {
        child(name) != nil
    }

    /// The attributes and child elements not read so far.
    var extras: XMLExtras {
        var extras = XMLExtras()
        for (i, a) in element.attributes.enumerated() where !usedAttributes[i] { extras.attributes.append(a) }
        for (i, node) in element.children.enumerated() where !usedChildren[i] {
            if case .element(let e) = node { extras.elements.append(e) }
        }
        return extras
    }

    /// The child elements not read so far; those with names not in `known` are anchored to
    /// the nearest preceding sibling named in `known`.
    func placedExtras(known: [String]) -> [PlacedElement] {
        var placed: [PlacedElement] = []
        var follows: String? = nil
        for (i, node) in element.children.enumerated() {
            guard case .element(let e) = node else { continue }
            let isKnown = known.contains(e.name)
            // A name libvirt knows has its own slot; only unknown names need an anchor.
            if !usedChildren[i] { placed.append(PlacedElement(e, follows: isKnown ? nil : follows)) }
            if isKnown { follows = e.name }
        }
        return placed
    }

    // MARK: Typed attributes

    /// An enumerated attribute (`virXMLPropEnum`).
    mutating func enumAttribute<T: RawRepresentable<String>>(_ name: String, _ type: T.Type) throws(VirError) -> T? {
        guard let raw = attribute(name) else { return nil }
        guard let value = T(rawValue: raw) else { throw invalidAttribute(name, raw) }
        return value
    }

    /// A non-negative integer attribute (`virXMLPropUInt`/`virXMLPropULongLong`).
    mutating func unsignedAttribute<T: FixedWidthInteger & UnsignedInteger>(_ name: String, _ type: T.Type = T.self) throws(VirError) -> T? {
        guard let raw = attribute(name) else { return nil }
        guard let value = parseUnsigned(raw, T.self) else { throw invalidAttribute(name, raw) }
        return value
    }

    /// A signed integer attribute (`virXMLPropInt`).
    mutating func signedAttribute(_ name: String) throws(VirError) -> Int64? {
        guard let raw = attribute(name) else { return nil }
        guard let value = Int64(raw.trimmingBlanks) else { throw invalidAttribute(name, raw) }
        return value
    }

    /// A `yes`/`no` attribute (`virXMLPropTristateBool`).
    mutating func yesNoAttribute(_ name: String) throws(VirError) -> Bool? {
        switch attribute(name) {
        case nil: return nil
        case "yes": return true
        case "no": return false
        case let raw?: throw invalidAttribute(name, raw)
        }
    }

    /// libvirt's message for an attribute value outside its type.
    func invalidAttribute(_ name: String, _ value: String) -> VirError {
        VirError(.xmlError, "Invalid value for attribute '\(name)' in element '\(element.name)': '\(value)'.", domain: .xml)
    }
}

/// Parses a decimal unsigned integer, allowing surrounding blanks as `strtoul` does.
func parseUnsigned<T: FixedWidthInteger & UnsignedInteger>(_ text: String, _ type: T.Type = T.self) -> T? {
    let trimmed = text.trimmingBlanks
    guard !trimmed.isEmpty, trimmed.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
    return T(trimmed)
}

extension String {
    /// The string without leading and trailing XML blanks.
    var trimmingBlanks: String {
        let u = utf8
        guard let first = u.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = u.lastIndex(where: { !isSpace($0) })!
        return String(self[first...last])
    }
}
