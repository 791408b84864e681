import Foundation

/// Locates the golden files next to this source file.
enum GoldenFiles {
    /// `Tests/VirtXMLTests/Golden`.
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    /// The text of `Golden/<path>`.
    static func read(_ path: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(path), encoding: .utf8)
    }

    /// Names (without extension) of the xml2xml inputs.
    static func xml2xmlCases() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("xml2xml").path)) ?? []
        return names.filter { $0.hasSuffix(".xml") && !$0.hasSuffix(".out.xml") }.map { String($0.dropLast(4)) }.sorted()
    }

    /// The expected output of case `name`: `NAME.out.xml`, or the input itself.
    static func expected(_ name: String) throws -> String {
        let out = "xml2xml/\(name).out.xml"
        if FileManager.default.fileExists(atPath: directory.appendingPathComponent(out).path) { return try read(out) }
        return try read("xml2xml/\(name).xml")
    }
}
