import VirtError

/// A strict, non-validating XML 1.0 parser; SwiftVirt's replacement for libvirt's `virXMLParse`.
///
/// Only the five predefined entities and numeric character references are expanded.
/// A document type declaration, and so any other entity, is refused: the parser cannot be
/// made to read files or expand entities without bound. Nesting is bounded by `maximumDepth`.
public enum XMLParser {
    /// The deepest element nesting accepted (libxml2's default limit is also 256).
    public static let maximumDepth = 256

    /// Parses `text`. `documentName` appears in error messages, as libvirt's
    /// `(domain_definition)` does; errors carry `VIR_ERR_XML_DETAIL` and `errorDomain`.
    public static func parse(
        _ text: String, documentName: String = "(xml)", errorDomain: ErrorDomain = .domain
    ) throws(VirError) -> XMLDocument {
        try parse(validatedBytes: Array(text.utf8), documentName: documentName, errorDomain: errorDomain)
    }

    /// Parses raw bytes, which must be UTF-8 (with or without a byte order mark).
    public static func parse(
        bytes: [UInt8], documentName: String = "(xml)", errorDomain: ErrorDomain = .domain
    ) throws(VirError) -> XMLDocument {
        if let bad = UTF8Validation.firstInvalidOffset(in: bytes) {
            throw XMLSyntaxError(bytes: bytes, offset: bad, what: "Input is not proper UTF-8")
                .virError(documentName: documentName, domain: errorDomain)
        }
        return try parse(validatedBytes: bytes, documentName: documentName, errorDomain: errorDomain)
    }

    private static func parse(
        validatedBytes bytes: [UInt8], documentName: String, errorDomain: ErrorDomain
    ) throws(VirError) -> XMLDocument {
        var scanner = XMLScanner(bytes: bytes)
        do {
            return try scanner.document()
        } catch {
            throw error.virError(documentName: documentName, domain: errorDomain)
        }
    }
}

/// A syntax error at a byte offset; turned into a `VirError` naming line and column.
struct XMLSyntaxError: Error {
    let bytes: [UInt8]
    let offset: Int
    let what: String

    /// `(name):LINE: what`, then the line the parser stopped in and a pointer to where,
    /// exactly as libvirt reports libxml2's errors; `(null)` when it stopped at the very end
    /// after a line break.
    func virError(documentName: String, domain: ErrorDomain) -> VirError {
        let end = min(offset, bytes.count)
        let line = 1 + bytes[0..<end].reduce(0) { $1 == 0x0A ? $0 + 1 : $0 }
        if end == bytes.count && (bytes.isEmpty || bytes[end - 1] == 0x0A) {
            return VirError(.xmlDetail, "\(documentName):\(line): \(what)\n(null)\n^", domain: domain)
        }
        var lineStart = end
        while lineStart > 0, bytes[lineStart - 1] != 0x0A { lineStart -= 1 }
        var lineEnd = end
        while lineEnd < bytes.count, bytes[lineEnd] != 0x0A { lineEnd += 1 }
        let context = String(decoding: bytes[lineStart..<lineEnd], as: UTF8.self)
        let pointer = String(repeating: "-", count: end - lineStart) + "^"
        return VirError(.xmlDetail, "\(documentName):\(line): \(what)\n\(context)\n\(pointer)", domain: domain)
    }
}
