import FoundationEssentials
import VirtError
import VirtSystem

#if canImport(Glibc)
import Glibc
#endif

/// The rules a context's settings follow: what its uname fields and flags may hold, and
/// which devices its cgroup admits.
extension ContextSystem {
    static func validate(uname value: String, for field: UnameField) throws(VirError) {
        guard value.utf8.count <= UnameField.maximumLength, !value.contains("\n"), !value.contains("\0") else {
            throw VirError.invalidArg("'\(value)' does not fit the utsname field \(field) (at most \(UnameField.maximumLength) bytes, no newline or NUL)")
        }
    }

    /// Checks a flag change from `current` to `new`: known bits, refused flags with their
    /// reason, creation-only flags, and one-way flags.
    static func validate(flags new: ContextFlags, current: ContextFlags) throws(VirError) {
        let unknown = new.subtracting(.known)
        guard unknown.isEmpty else { throw VirError.invalidArg("unknown context flag bits 0x\(String(unknown.rawValue, radix: 16))") }
        for (flag, reason) in ContextFlags.refusals where new.contains(flag) && !current.contains(flag) {
            throw VirError(.operationUnsupported, "flag 0x\(String(flag.rawValue, radix: 16)) is refused: \(reason)", domain: .none)
        }
        if new.contains(.rebootKill) && !new.contains(.infoInit) {
            throw VirError(.operationUnsupported, "VXF_REBOOT_KILL needs VXF_INFO_INIT: only in a pid namespace of its own does reboot(2) end the context rather than the host", domain: .none)
        }
    }

    /// Whether ``applyDeviceRules(_:allowed:to:)`` gives these settings the rules of a context
    /// without context capabilities, those of the shared devices cgroup.
    static func hasDefaultDeviceRules(_ capabilities: ContextCapabilities, allowed: [DeviceRule]?) -> Bool {
        allowed == nil && capabilities.isDisjoint(with: [.adminMapper, .adminCloop])
    }

    /// The devices cgroup rules: every device, or only the `allowed` ones; device-mapper and
    /// loop devices only with VXC_ADMIN_MAPPER and VXC_ADMIN_CLOOP.
    static func applyDeviceRules(_ capabilities: ContextCapabilities, allowed: [DeviceRule]?, to cgroup: Cgroup) throws(VirError) {
        guard cgroup.controllers.contains(.devices) else { return }
        let mapper = [try DeviceRule(.char, major: 10, minor: 236, access: "rwm"), try DeviceRule(.block, major: 253, minor: nil, access: "rwm")]
        let loop = [try DeviceRule(.char, major: 10, minor: 237, access: "rwm"), try DeviceRule(.block, major: 7, minor: nil, access: "rwm")]
        let admitted = (capabilities.contains(.adminMapper) ? mapper : []) + (capabilities.contains(.adminCloop) ? loop : [])
        if let allowed {
            try cgroup.denyDevice(.everything)
            for rule in allowed + admitted { try cgroup.allowDevice(rule) }
            return
        }
        try cgroup.allowDevice(.everything)
        for rule in mapper + loop where !admitted.contains(rule) { try cgroup.denyDevice(rule) }
    }
}
