import Foundation
import VirtDriverQEMU

/// What the tests' QEMU can do: the machines and types of Debian's QEMU 7.2 that the golden
/// files use, fixed here so that the goldens do not depend on the host's binary.
enum Fixtures {
    static let capabilities = QEMUCapabilities(
        emulator: "/usr/bin/qemu-system-x86_64", version: 7_002_022, package: "Debian 1:7.2+dfsg-7+deb12u18+b3",
        machines: [
            .init(name: "pc-i440fx-7.2", alias: "pc", isDefault: true, maximumCPUs: 255, hotpluggableCPUs: true),
            .init(name: "pc-q35-7.2", alias: "q35", maximumCPUs: 288, hotpluggableCPUs: true),
            .init(name: "microvm", maximumCPUs: 288, hotpluggableCPUs: false),
        ],
        types: [
            "isa-serial", "virtio-blk-pci", "virtio-blk-device", "virtio-scsi-pci", "scsi-hd", "scsi-cd", "ide-hd", "ide-cd",
            "virtio-net-pci", "virtio-net-device", "e1000", "rtl8139", "virtio-serial-pci", "virtio-serial-device", "virtserialport",
            "virtconsole", "virtio-balloon-pci", "virtio-balloon-device", "virtio-rng-pci", "virtio-rng-device", "pvpanic", "VGA",
            "piix3-usb-uhci", "qemu-xhci", "qemu64-x86_64-cpu",
        ],
        kvm: true)

    /// `Tests/QEMUDriverTests/Golden`.
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    /// The names of the xml2argv cases (`Golden/xml2argv/NAME.xml` with `NAME.args`).
    static func xml2argvCases() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: golden.appendingPathComponent("xml2argv").path)) ?? []
        return names.filter { $0.hasSuffix(".xml") }.map { String($0.dropLast(4)) }.sorted()
    }

    static func read(_ path: String) throws -> String {
        try String(contentsOf: golden.appendingPathComponent(path), encoding: .utf8)
    }
}
