/// Splits a virsh command string into words, one at a time, with virsh's grammar:
/// blanks separate words; `;` and newline end a command; `#` at the start of a word
/// comments out the rest of the line; `'…'` quotes literally; `"…"` quotes with `\`
/// escapes; outside single quotes `\` escapes the next character (`\` + newline vanishes).
/// An unterminated single quote runs to the end of the string; an unterminated double
/// quote or a trailing `\` is an error.
struct Tokenizer {
    /// One step of the scan.
    enum Token: Equatable {
        /// A word (an argument) with its quotes and escapes resolved.
        case word(String)
        /// `;`, newline or a comment: the current command is complete.
        case endOfCommand
        /// Nothing is left.
        case endOfInput
    }

    private let bytes: [UInt8]
    private var position = 0

    /// A tokenizer over `text`.
    init(_ text: String) {
        bytes = Array(text.utf8)
    }

    /// The next token, or a parse error (`missing "`, `dangling \`).
    mutating func next() throws(VirshError) -> Token {
        skipBlanks()
        guard position < bytes.count else { return .endOfInput }
        switch bytes[position] {
        case UInt8(ascii: ";"), UInt8(ascii: "\n"):
            position += 1
            return .endOfCommand
        case UInt8(ascii: "#"):
            while position < bytes.count, bytes[position] != UInt8(ascii: "\n") { position += 1 }
            if position < bytes.count { position += 1 }
            return .endOfCommand
        default:
            return .word(try word())
        }
    }

    private mutating func skipBlanks() {
        while position < bytes.count {
            let c = bytes[position]
            if c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") {
                position += 1
            } else if c == UInt8(ascii: "\\"), position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "\n") {
                position += 2
            } else {
                return
            }
        }
    }

    private mutating func word() throws(VirshError) -> String {
        var out: [UInt8] = []
        var inSingle = false
        var inDouble = false
        while position < bytes.count {
            let c = bytes[position]
            if !inSingle && !inDouble && Self.isSeparator(c) { break }
            position += 1
            if c == UInt8(ascii: "'") && !inDouble {
                inSingle.toggle()
            } else if c == UInt8(ascii: "\"") && !inSingle {
                inDouble.toggle()
            } else if c == UInt8(ascii: "\\") && !inSingle {
                guard position < bytes.count else { throw VirshError("dangling \\") }
                let escaped = bytes[position]
                position += 1
                if escaped != UInt8(ascii: "\n") { out.append(escaped) }
            } else {
                out.append(c)
            }
        }
        if inDouble { throw VirshError("missing \"") }
        return String(decoding: out, as: UTF8.self)
    }

    private static func isSeparator(_ c: UInt8) -> Bool {
        c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: ";") || c == UInt8(ascii: "\n")
    }
}
