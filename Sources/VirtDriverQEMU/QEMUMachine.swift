import VirtError
import VirtXML

/// The machine a definition asks for, resolved against the binary: its type (`pc`, `q35`,
/// `microvm`), the accelerator, and which bus its devices sit on.
struct QEMUMachine: Sendable, Equatable {
    /// The family: what decides buses and built-in devices.
    enum Family: Sendable, Equatable {
        case pc, q35, microvm
    }

    let name: String
    let family: Family
    let isKVM: Bool
    let maximumCPUs: Int

    init(_ definition: DomainDefinition, capabilities: QEMUCapabilities) throws(VirError) {
        switch definition.type {
        case "kvm":
            guard capabilities.kvm else { throw VirError(.configUnsupported, "KVM is not available on this host", domain: .qemu) }
            isKVM = true
        case "qemu":
            isKVM = false
        default:
            throw VirError(.configUnsupported, "domain type '\(definition.type)': this driver runs 'kvm' and 'qemu' domains", domain: .qemu)
        }
        if let arch = definition.os.arch, arch != "x86_64" {
            throw VirError(.configUnsupported, "architecture '\(arch)': this driver runs x86_64 guests", domain: .qemu)
        }
        let requested = definition.os.machine ?? "pc"
        guard let machine = capabilities.machine(named: requested) else {
            throw VirError(.configUnsupported, "Emulator '\(capabilities.emulator)' does not support machine type '\(requested)'", domain: .qemu)
        }
        name = machine.name
        maximumCPUs = machine.maximumCPUs
        if name == "microvm" {
            family = .microvm
        } else if name.hasPrefix("pc-q35") || name == "q35" {
            family = .q35
        } else if name.hasPrefix("pc-i440fx") || name == "pc" {
            family = .pc
        } else {
            throw VirError(.configUnsupported, "machine type '\(name)': this driver runs pc, q35 and microvm machines", domain: .qemu)
        }
    }

    /// The `-machine` option.
    var option: String {
        switch family {
        case .pc, .q35: "\(name),usb=off,dump-guest-core=off"
        case .microvm: "microvm,isa-serial=on,rtc=on,dump-guest-core=off"
        }
    }

    /// The `-accel` option.
    var accelerator: String { isKVM ? "kvm" : "tcg" }

    /// The type of a virtio device on this machine's bus: `virtio-blk-pci`, or on microvm's
    /// MMIO transport `virtio-blk-device`.
    func virtio(_ kind: String) -> String {
        family == .microvm ? "virtio-\(kind)-device" : "virtio-\(kind)-pci"
    }
}
