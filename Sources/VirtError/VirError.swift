/// How serious an error is (`virErrorLevel`).
public enum ErrorLevel: Int32, Sendable {
    /// `VIR_ERR_NONE`
    case none = 0
    /// `VIR_ERR_WARNING`
    case warning = 1
    /// `VIR_ERR_ERROR`
    case error = 2
}

/// The one error type of SwiftVirt. Corresponds to libvirt's `virError`.
///
/// `code` and `domain` carry libvirt's numbers, so an error crosses the RPC protocol,
/// and reaches virsh or libvirt-python, unchanged.
public struct VirError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The error number (`virError.code`).
    public var code: ErrorCode
    /// Where it comes from (`virError.domain`).
    public var domain: ErrorDomain
    /// The complete human-readable message (`virError.message`), as libvirt formats it.
    public var message: String
    /// Severity (`virError.level`).
    public var level: ErrorLevel
    /// Extra strings and numbers that libvirt's wire format carries (`str1`…`int2`).
    public var str1: String?, str2: String?, str3: String?
    /// Extra numbers that libvirt's wire format carries.
    public var int1: Int32 = 0, int2: Int32 = 0

    /// An error whose message is built from libvirt's template for `code` and the
    /// given detail, exactly as `virReportError` does.
    public init(_ code: ErrorCode, _ detail: String? = nil, domain: ErrorDomain = .none) {
        self.code = code
        self.domain = domain
        self.level = .error
        let template = ErrorMessages.template(for: code)
        if let detail, !detail.isEmpty {
            self.message = Self.fill(template.withInfo, detail)
        } else {
            self.message = template.plain
        }
        self.str1 = template.withInfo
        self.str2 = detail
    }

    /// The same error, reported as coming from `domain` (a driver passing on a lower
    /// layer's error): code and message unchanged.
    public func from(_ domain: ErrorDomain) -> VirError {
        var copy = self
        copy.domain = domain
        return copy
    }

    /// An error carried over verbatim, e.g. decoded from the wire.
    public init(code: ErrorCode, domain: ErrorDomain, message: String, level: ErrorLevel = .error) {
        self.code = code
        self.domain = domain
        self.message = message
        self.level = level
    }

    /// The message, as `virGetLastErrorMessage` returns it.
    public var description: String { message }

    private static func fill(_ template: String, _ detail: String) -> String {
        template.replacing("%s", with: detail, maxReplacements: 1)
    }
}

extension VirError {
    /// A missing domain (`VIR_ERR_NO_DOMAIN`).
    public static func noDomain(_ detail: String) -> VirError { VirError(.noDomain, detail, domain: .dom) }
    /// A call whose arguments are wrong (`VIR_ERR_INVALID_ARG`), as libvirt's public-API
    /// argument checks report it: the message is exactly `message`, with no prefix.
    public static func invalidArg(_ message: String, domain: ErrorDomain = .domain) -> VirError {
        VirError(code: .invalidArg, domain: domain, message: message)
    }
    /// A call that the object's state does not allow (`VIR_ERR_OPERATION_INVALID`).
    public static func operationInvalid(_ detail: String) -> VirError { VirError(.operationInvalid, detail) }
    /// A call the driver does not implement (`VIR_ERR_NO_SUPPORT`).
    public static func noSupport(_ function: String) -> VirError { VirError(.noSupport, function) }
    /// A mutation on a read-only connection (`VIR_ERR_OPERATION_DENIED`).
    public static func readOnly(_ function: String) -> VirError { VirError(.operationDenied, "read only access prevents \(function)", domain: .domain) }
    /// A document that does not parse or validate (`VIR_ERR_XML_ERROR`).
    public static func xml(_ detail: String) -> VirError { VirError(.xmlError, detail, domain: .domain) }
    /// An internal failure (`VIR_ERR_INTERNAL_ERROR`).
    public static func internalError(_ detail: String) -> VirError { VirError(.internalError, detail) }
}
