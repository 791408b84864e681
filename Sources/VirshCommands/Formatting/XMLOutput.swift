import SwiftVirt

/// Prints an XML document, or the nodes an `--xpath` expression selects (element paths
/// only: `/a/b`, `//b`, `//a/b`), optionally wrapped in `<nodes>`.
enum XMLOutput {
    /// Prints `xml` (or its selection) to `ctx`, and sets the JSON result `{"xml": …}`.
    static func print(_ xml: String, xpath: String?, wrap: Bool, to ctx: CommandContext) throws(VirshError) {
        guard let xpath else {
            ctx.print(xml)
            ctx.result(.object([("xml", .string(xml))]))
            return
        }
        let document = try VirshError.library(XMLParser.parse(xml))
        let matches = try select(xpath, in: document.root)
        let text: String
        if wrap {
            text = XMLWriter.format(XMLElement("nodes", children: matches.map { .element($0) }), style: .libxml)
        } else {
            text = matches.map { XMLWriter.format($0, style: .libxml) }.joined()
        }
        ctx.print(text)
        ctx.result(.object([("xml", .string(text))]))
    }

    private static func select(_ xpath: String, in root: XMLElement) throws(VirshError) -> [XMLElement] {
        let anywhere = xpath.hasPrefix("//")
        let steps = xpath.split(separator: "/").map(String.init)
        guard xpath.hasPrefix("/"), !steps.isEmpty,
              steps.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber || "_-:.".contains($0) } }) else {
            throw VirshError("Unsupported XPath expression '\(xpath)'")
        }
        var current: [XMLElement]
        if anywhere {
            current = descendantsAndSelf(root).filter { $0.name == steps[0] }
        } else {
            current = root.name == steps[0] ? [root] : []
        }
        for step in steps.dropFirst() {
            current = current.flatMap { $0.elements.filter { $0.name == step } }
        }
        return current
    }

    private static func descendantsAndSelf(_ element: XMLElement) -> [XMLElement] {
        [element] + element.elements.flatMap(descendantsAndSelf)
    }
}

extension VirshError {
    /// The value of `body`, its library error turned into a ``VirshError``.
    static func library<T>(_ body: @autoclosure () throws(VirError) -> T) throws(VirshError) -> T {
        do { return try body() } catch { throw VirshError(nil, error) }
    }
}
