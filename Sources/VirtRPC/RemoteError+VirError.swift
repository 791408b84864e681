import VirtError

extension RemoteError {
    /// The wire form of `error`, field for field (`remote_error`). Unused numbers travel
    /// as -1 and unused strings as absent, as libvirtd sends them.
    public init(_ error: VirError) {
        self.init(code: error.code.rawValue, optDomain: error.domain.rawValue, message: error.message,
                  level: error.level.rawValue, dom: nil, str1: error.str1, str2: error.str2, str3: error.str3,
                  int1: error.int1 == 0 ? -1 : error.int1, int2: error.int2 == 0 ? -1 : error.int2, net: nil)
    }

    /// The error it carries (`virError`), with libvirt's numbers unchanged.
    public var virError: VirError {
        var error = VirError(code: ErrorCode(rawValue: code), domain: ErrorDomain(rawValue: optDomain),
                             message: message ?? "", level: ErrorLevel(rawValue: level) ?? .error)
        error.str1 = str1
        error.str2 = str2
        error.str3 = str3
        error.int1 = int1 == -1 ? 0 : int1
        error.int2 = int2 == -1 ? 0 : int2
        return error
    }
}
