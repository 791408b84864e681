import JSON
import SwiftVirt

/// A failed command as virsh reports it: at most one line of its own (`context`, e.g.
/// `Failed to start domain 'demo'`) followed by the library error (`underlying`), each
/// printed on stderr as `error: …`.
public struct VirshError: Error, Sendable, Equatable {
    /// The shell's own line, if any.
    public var context: String?
    /// The library's error, if any.
    public var underlying: VirError?
    /// The number reported in JSON mode when there is no library error.
    public var code: ErrorCode
    /// The error domain reported in JSON mode when there is no library error.
    public var domain: ErrorDomain
    /// Whether text mode prints nothing (the command just fails), as virsh's `event`
    /// does when no event arrived.
    public var silent = false

    /// A failure detected by the shell itself (usage errors, parse errors, pre-checks).
    public init(_ message: String, code: ErrorCode = .invalidArg, domain: ErrorDomain = .none) {
        self.context = message
        self.underlying = nil
        self.code = code
        self.domain = domain
    }

    /// A library failure, optionally preceded by the shell's context line.
    public init(_ context: String?, _ underlying: VirError) {
        self.context = context
        self.underlying = underlying
        self.code = underlying.code
        self.domain = underlying.domain
    }

    /// The stderr lines virsh prints, without the `error: ` prefix.
    var lines: [String] {
        silent ? [] : [context, underlying?.message].compactMap { $0 }
    }

    /// The JSON error document: `{"error":{"code":…,"domain":…,"message":…[,"context":…]}}`.
    var json: JSONValue {
        var fields: [(String, JSONValue)] = [
            ("code", .int(Int64(code.rawValue))),
            ("domain", .int(Int64(domain.rawValue))),
            ("message", .string(underlying?.message ?? context ?? "")),
        ]
        if underlying != nil, let context { fields.append(("context", .string(context))) }
        return .object([("error", .object(fields))])
    }
}

extension VirshError {
    /// Runs `body`, turning a library error into a ``VirshError`` with `context` as its
    /// first line (virsh's `vshError(ctl, "Failed to …")` followed by the library error).
    static func context<T>(_ context: String?, _ body: () async throws -> T) async throws(VirshError) -> T {
        do {
            return try await body()
        } catch let error as VirshError {
            throw error
        } catch let error as VirError {
            throw VirshError(context, error)
        } catch {
            throw VirshError(context ?? "\(error)")
        }
    }
}
