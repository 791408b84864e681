import VirtError

/// A flag set whose defined bits are known, so that the front door can reject the rest
/// with `VIR_ERR_INVALID_ARG`, as libvirt's `virCheckFlags` does.
public protocol KnownFlags: OptionSet where RawValue == UInt32, Element == Self {
    /// Every bit libvirt defines for this call.
    static var known: Self { get }
}

extension KnownFlags {
    /// Throws libvirt's "unsupported flags" error when `self` has bits outside `supported`.
    /// Corresponds to `virCheckFlags`.
    public func check(supported: Self, function: String, domain: ErrorDomain = .test) throws(VirError) {
        let extra = rawValue & ~supported.rawValue
        if extra != 0 {
            throw VirError.invalidArg("unsupported flags (0x\(String(extra, radix: 16))) in function \(function)", domain: domain)
        }
    }

    /// Throws when `self` has bits libvirt does not define for this call.
    public func checkKnown(function: String) throws(VirError) {
        try check(supported: Self.known, function: function, domain: .domain)
    }
}
