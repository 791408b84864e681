import VirtError

/// `virDomainVirtType`: the hypervisor kinds a `<domain type=…>` may name.
enum DomainVirtType: String {
    case none, qemu, kqemu, kvm, xen, lxc, uml, openvz, test, vmware, hyperv, vbox, phyp, parallels, bhyve, vz, ch
}

extension DomainDefinition {
    /// The longest domain name SwiftVirt accepts, in UTF-8 bytes.
    public static let maximumNameLength = 255

    /// Checks a domain name. Stricter than libvirt's `virDomainDefParseXML`: besides '/',
    /// a name may not contain NUL or a newline, start with '.', or exceed `maximumNameLength` bytes.
    public static func validateName(_ name: String) throws(VirError) {
        guard !name.isEmpty else { throw VirError(.noName, domain: .domain) }
        if name.contains("/") { throw VirError.xml("name \(name) cannot contain '/'") }
        if name.contains("\n") { throw VirError(.xmlDetail, "invalid char in name: \n", domain: .domain) }
        if name.utf8.contains(0) { throw VirError.xml("name cannot contain a NUL character") }
        if name.hasPrefix(".") { throw VirError.xml("name \(name) cannot start with '.'") }
        if name.utf8.count > maximumNameLength {
            throw VirError.xml("name is too long: \(name.utf8.count) bytes, the maximum is \(maximumNameLength)")
        }
    }

    /// `virDomainDefPostParseMemory`: an unset, zero or too large current size is the maximum.
    var effectiveCurrentMemory: UInt64 {
        currentMemory == 0 || currentMemory > memory ? memory : currentMemory
    }

    /// The semantic checks libvirt applies after parsing (`virDomainDefValidate` and the
    /// post-parse memory checks); also useful for definitions built in code.
    public func validate() throws(VirError) {
        guard DomainVirtType(rawValue: type) != nil else {
            throw VirError(.configUnsupported, "invalid domain type \(type)", domain: .domain)
        }
        try Self.validateName(name)
        guard memory > 0 else {
            throw VirError.xml("Memory size must be specified via <memory> or in the <numa> configuration")
        }
        if let maxMemory, maxMemory.kib < memory {
            throw VirError(.xmlError, "maximum memory size must be equal or greater than the actual memory size in <maxMemory>", domain: .domain)
        }
        guard vcpu.maximum > 0 else { throw VirError.xml("maximum vcpus count in <vcpu> must be greater than 0") }
        guard vcpu.current <= vcpu.maximum else {
            throw VirError(.configUnsupported, "maximum vCPU count must not be less than current vCPU count", domain: .domain)
        }
        for (element, action) in [("on_poweroff", onPoweroff), ("on_reboot", onReboot)]
        where action == .coredumpDestroy || action == .coredumpRestart {
            throw VirError(.configUnsupported, "unknown \(element) action: \(action.rawValue)", domain: .domain)
        }
    }
}
