/// The attributes and child elements of a modelled element that SwiftVirt does not model.
///
/// Kept so that they are written back unchanged: known attributes come first, in libvirt's
/// order, then these; known children come first, then these.
public struct XMLExtras: Sendable, Equatable {
    /// Unmodelled attributes, in document order.
    public var attributes: [XMLAttribute]
    /// Unmodelled child elements, in document order.
    public var elements: [XMLElement]

    /// Nothing extra.
    public init(attributes: [XMLAttribute] = [], elements: [XMLElement] = []) {
        self.attributes = attributes
        self.elements = elements
    }

    /// Whether there is nothing to write back.
    public var isEmpty: Bool { attributes.isEmpty && elements.isEmpty }
}

/// An element SwiftVirt keeps verbatim among modelled siblings, with the name of the
/// known element it followed so that it is written back in the same place.
public struct PlacedElement: Sendable, Equatable {
    /// The element, exactly as parsed.
    public var element: XMLElement
    /// The name of the nearest preceding sibling that libvirt knows, or `nil` if none.
    public var follows: String?

    /// An element placed after the known element `follows`.
    public init(_ element: XMLElement, follows: String? = nil) {
        self.element = element
        self.follows = follows
    }
}

extension XMLElement {
    /// Builds an element from known attributes (`nil` values are skipped) followed by `extras`.
    init(_ name: String, _ known: [(String, String?)], extras: XMLExtras = XMLExtras(), children: [XMLElement] = []) {
        var attributes: [XMLAttribute] = []
        attributes.reserveCapacity(known.count + extras.attributes.count)
        for (key, value) in known { if let value { attributes.append(XMLAttribute(key, value)) } }
        attributes += extras.attributes
        self.init(name, attributes: attributes, children: (children + extras.elements).map(XMLNode.element))
    }
}

/// Writes `placed` elements in libvirt's order for their names, given as `order`.
///
/// `emit(name)` is called for each known name in order, so the caller can write what it
/// models; after each, the preserved elements of that name and those that followed it.
func writeInOrder(_ order: [String], placed: [PlacedElement], emit: (String) -> [XMLElement]) -> [XMLElement] {
    var out = placed.filter { $0.follows == nil && !order.contains($0.element.name) }.map(\.element)
    for name in order {
        out += emit(name)
        for p in placed where p.element.name == name || (p.follows == name && !order.contains(p.element.name)) {
            out.append(p.element)
        }
    }
    return out
}

/// An element or attribute: something with a qualified name.
protocol NamedXMLItem {
    var name: String { get }
}

extension XMLElement: NamedXMLItem {}
extension XMLAttribute: NamedXMLItem {}

extension Array where Element: NamedXMLItem {
    /// These items stably sorted by the position of their names in `order`; names not
    /// listed keep their relative order after the listed ones.
    func ordered(by order: [String]) -> [Element] {
        let rank = { (item: Element) in order.firstIndex(of: item.name) ?? order.count }
        return enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }.map(\.element)
    }
}
