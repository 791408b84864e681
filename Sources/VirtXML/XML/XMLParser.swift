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

    /// `(name):LINE:COLUMN: what`, then the offending line and a caret, as libxml2 reports.
    func virError(documentName: String, domain: ErrorDomain) -> VirError {
        let end = min(offset, bytes.count)
        var line = 1
        var lineStart = 0
        for i in 0..<end where bytes[i] == 0x0A {
            line += 1
            lineStart = i + 1
        }
        var lineEnd = lineStart
        while lineEnd < bytes.count, bytes[lineEnd] != 0x0A { lineEnd += 1 }
        // Columns count characters, not bytes: skip UTF-8 continuation bytes.
        let column = bytes[lineStart..<end].reduce(1) { $1 & 0xC0 == 0x80 ? $0 : $0 + 1 }
        let context = String(decoding: bytes[lineStart..<lineEnd], as: UTF8.self)
        let caret = String(repeating: "-", count: column - 1) + "^"
        return VirError(.xmlDetail, "\(documentName):\(line):\(column): \(what)\n\(context)\n\(caret)", domain: domain)
    }
}
