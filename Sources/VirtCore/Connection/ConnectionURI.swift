import VirtError

/// A parsed connection URI such as `test:///default`, `lxc:///embed?root=/srv/vm` or
/// `qemu+unix:///system?socket=/run/sock`, following libvirt's URI rules (`virURIParse`).
public struct ConnectionURI: Sendable, Equatable, CustomStringConvertible {
    /// The driver part of the scheme (`test`, `lxc`, `qemu`).
    public var driver: String
    /// The transport after `+` (`unix`, `tcp`), if any.
    public var transport: String?
    /// The host, empty for the local machine.
    public var host: String
    /// The port, if given.
    public var port: Int?
    /// The path (`/default`, `/system`, `/embed`, `/srv/node.xml`).
    public var path: String
    /// Query parameters in order, percent-decoded.
    public var query: [(name: String, value: String)]
    /// The text it was parsed from.
    public let text: String

    /// Parses `text`. What is not a URI (no `scheme://`, a bad port, a bad `%` escape) is
    /// refused as libvirt's `virURIParse` does: `VIR_ERR_INTERNAL_ERROR`, "Unable to parse URI".
    public init(_ text: String) throws(VirError) {
        self.text = text
        guard let schemeEnd = text.firstRange(of: "://") else {
            throw Self.unparsable(text)
        }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        guard !scheme.isEmpty, scheme.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == "." }) else {
            throw Self.unparsable(text)
        }
        if let plus = scheme.firstIndex(of: "+") {
            driver = String(scheme[..<plus])
            transport = String(scheme[scheme.index(after: plus)...])
        } else {
            driver = scheme
            transport = nil
        }
        var rest = text[schemeEnd.upperBound...]
        var queryText: Substring = ""
        if let q = rest.firstIndex(of: "?") {
            queryText = rest[rest.index(after: q)...]
            rest = rest[..<q]
        }
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        var authority = rest[..<slash]
        path = String(rest[slash...])
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            guard let p = Int(authority[authority.index(after: colon)...]) else {
                throw Self.unparsable(text)
            }
            port = p
            authority = authority[..<colon]
        } else {
            port = nil
        }
        host = String(authority)
        var parameters: [(name: String, value: String)] = []
        for pair in queryText.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.percentDecode(parts[0]), let value = Self.percentDecode(parts.count > 1 ? parts[1] : "") else {
                throw Self.unparsable(text)
            }
            parameters.append((name, value))
        }
        query = parameters
        guard Self.percentDecode(Substring(path)) != nil else { throw Self.unparsable(text) }
    }

    private static func unparsable(_ text: String) -> VirError {
        VirError(.internalError, "Unable to parse URI \(text)", domain: .uri)
    }

    /// The value of query parameter `name`, if present.
    public func parameter(_ name: String) -> String? {
        query.first { $0.name == name }?.value
    }

    /// The URI as given.
    public var description: String { text }

    public static func == (a: ConnectionURI, b: ConnectionURI) -> Bool { a.text == b.text }

    /// Decodes `%XX` escapes and `+`; `nil` for a malformed escape.
    private static func percentDecode(_ s: Substring) -> String? {
        var bytes: [UInt8] = []
        var utf8 = Array(s.utf8)[...]
        while let c = utf8.popFirst() {
            if c == UInt8(ascii: "%") {
                guard utf8.count >= 2, let v = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) else { return nil }
                bytes.append(v)
                utf8 = utf8.dropFirst(2)
            } else if c == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else {
                bytes.append(c)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
