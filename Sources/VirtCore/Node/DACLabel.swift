import VirtError

#if canImport(Glibc)
import Glibc
#endif

/// A label of libvirt's DAC security model: the user and group a domain's processes run as,
/// written `+UID:+GID` (numbers) or `USER:GROUP` (names in the host's databases).
public struct DACLabel: Sendable, Hashable, CustomStringConvertible {
    /// The uid.
    public var uid: uid_t
    /// The gid.
    public var gid: gid_t

    /// A label for `uid`:`gid`.
    public init(uid: uid_t, gid: gid_t) {
        self.uid = uid
        self.gid = gid
    }

    /// Parses `+UID:+GID`, `UID:GID` or `USER:GROUP`, as libvirt's DAC driver
    /// (`virParseOwnershipIds`) does.
    /// - Throws: `VIR_ERR_INVALID_ARG` for anything else, or a name nobody has.
    public init(parsing text: String) throws(VirError) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw VirError.invalidArg("DAC label '\(text)' is not of the form USER:GROUP or +UID:+GID", domain: .security)
        }
        uid = try Self.id(String(parts[0]), kind: "user") { name in getpwnam(name)?.pointee.pw_uid }
        gid = try Self.id(String(parts[1]), kind: "group") { name in getgrnam(name)?.pointee.gr_gid }
    }

    /// `+UID:+GID`, the form libvirt reports.
    public var description: String { "+\(uid):+\(gid)" }

    private static func id(_ field: String, kind: String, lookUp: (String) -> UInt32?) throws(VirError) -> UInt32 {
        let number = field.hasPrefix("+") ? String(field.dropFirst()) : field
        if let id = UInt32(number), id != UInt32.max { return id }
        guard !field.hasPrefix("+"), let id = lookUp(field) else {
            throw VirError.invalidArg("DAC label names \(kind) '\(field)', which does not exist", domain: .security)
        }
        return id
    }
}

extension DomainSecurityLabel {
    /// What entering this label of `model` means for a process: the user and group to take
    /// for `dac`, nothing for `none` (or no model). Other models cannot be entered here.
    /// - Throws: `VIR_ERR_ARGUMENT_UNSUPPORTED` for SELinux, AppArmor and other models, as a
    ///   libvirt built without them reports; `VIR_ERR_INVALID_ARG` for a malformed DAC label.
    public func dacLabel(under model: SecurityModel) throws(VirError) -> DACLabel? {
        switch model.model {
        case "dac": return try DACLabel(parsing: label)
        case "none", "": return nil
        case "selinux": throw VirError(.argumentUnsupported, "Support for SELinux is not enabled", domain: .none)
        case "apparmor": throw VirError(.argumentUnsupported, "Support for AppArmor is not enabled", domain: .none)
        default: throw VirError(.argumentUnsupported, "Security model \(model.model) cannot be entered", domain: .none)
        }
    }
}
