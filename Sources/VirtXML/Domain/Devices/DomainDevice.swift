import VirtError

/// A device element that SwiftVirt models: read from and written to its XML element.
protocol DomainDevice: Sendable, Equatable {
    /// The element name, e.g. `disk`.
    var elementName: String { get }
    /// The order in which libvirt writes this device's children.
    static var childOrder: [String] { get }
    /// The order in which libvirt writes this device's attributes, when extras must be merged in.
    static var attributeOrder: [String] { get }
    /// Reads the device; unmodelled content goes to `extras`.
    init(xml: XMLElement) throws(VirError)
    /// The known attributes, in libvirt's order.
    func attributes(_ options: DomainFormatOptions) -> [(String, String?)]
    /// The known children, including `<address>`.
    func children(_ options: DomainFormatOptions) -> [XMLElement]
    /// Unmodelled attributes and children.
    var extras: XMLExtras { get }
}

extension DomainDevice {
    /// By default extra attributes follow the known ones.
    static var attributeOrder: [String] { [] }

    /// The device element: attributes and children in libvirt's order, extras merged in.
    func xml(_ options: DomainFormatOptions) -> XMLElement {
        var element = XMLElement(elementName, attributes(options), extras: extras,
                                 children: children(options))
        element.attributes = element.attributes.ordered(by: Self.attributeOrder)
        element.children = element.elements.ordered(by: Self.childOrder).map(XMLNode.element)
        return element
    }
}

extension ElementReader {
    /// `<address>`, if any.
    mutating func address() -> DeviceAddress? {
        child("address").map(DeviceAddress.init(xml:))
    }

    /// The given attributes of child `child`, and the rest of that child as extras.
    mutating func subelement(_ child: String, _ attributes: [String]) -> (values: [String?], extras: XMLExtras) {
        guard let e = self.child(child) else { return (attributes.map { _ in nil }, XMLExtras()) }
        var r = ElementReader(e)
        return (attributes.map { r.attribute($0) }, r.extras)
    }
}

/// Builds a child element from modelled attributes and extras; `nil` if there is nothing to write.
func subelement(_ name: String, _ known: [(String, String?)], extras: XMLExtras) -> XMLElement? {
    guard !extras.isEmpty || known.contains(where: { $0.1 != nil }) else { return nil }
    return XMLElement(name, known, extras: extras)
}
