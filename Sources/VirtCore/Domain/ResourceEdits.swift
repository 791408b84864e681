import VirtError
import VirtXML

/// The edits of a definition behind libvirt's memory and vcpu calls, with libvirt's
/// checks and messages; every driver makes them the same way, to whichever definitions
/// (``ModificationTargets``) a call names, and does what running them takes itself.
extension DomainDefinition {
    /// `<memory>` (`VIR_DOMAIN_MEM_MAXIMUM`), the current memory clamped under it.
    public mutating func setMaximumMemory(_ kib: UInt64) {
        memory = kib
        currentMemory = min(currentMemory, kib)
    }

    /// `<currentMemory>`; refused above `<memory>`.
    public mutating func setCurrentMemory(_ kib: UInt64, errorDomain: ErrorDomain) throws(VirError) {
        guard kib <= memory else { throw VirError.invalidArg("cannot set memory higher than max memory", domain: errorDomain) }
        currentMemory = kib
    }

    /// `<vcpu current=…>`, refused above the maximum, or with `maximum` the maximum itself
    /// (the current count clamped under it).
    public mutating func setVcpus(_ count: UInt32, maximum: Bool, errorDomain: ErrorDomain) throws(VirError) {
        if maximum {
            vcpu.maximum = count
            vcpu.current = min(vcpu.current, count)
        } else {
            guard count <= vcpu.maximum else {
                throw VirError(.invalidArg, "requested cpu amount exceeds maximum (\(count) > \(vcpu.maximum))", domain: errorDomain)
            }
            vcpu.current = count
        }
    }

    /// `<vcpupin vcpu=… cpuset=…>` of an online vcpu; `which` names the definition
    /// ("live", "persistent") in the error.
    public mutating func pinVcpu(_ index: UInt32, to cpuset: String, which: String, errorDomain: ErrorDomain) throws(VirError) {
        guard index < vcpu.current else {
            throw VirError(.invalidArg, "vcpu \(index) is out of range of \(which) cpu count \(vcpu.current)", domain: errorDomain)
        }
        cputune.vcpuPins[index] = cpuset
    }
}
