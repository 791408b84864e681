import JSON
import QMP
import VirtError
import VirtXML

/// `<disk>` on the command line: each source as two `-blockdev` nodes (the file, then its
/// format, from the definition, never probed) and a front-end `-device` on the disk's bus.
enum QEMUDisks {
    static func append(_ disks: [DiskDevice], bootOrder: [String], to line: inout ArgumentList) throws(VirError) {
        var firstOfKind: [String: Int] = [:]
        var addedSCSIController = false
        for (position, disk) in disks.enumerated() {
            let bus = try bus(of: disk, machine: line.machine)
            let index = try targetIndex(disk.target)
            let kind = disk.device == "cdrom" ? "cdrom" : "hd"
            var options: [String] = []
            if let node = try appendSource(of: disk, number: position + 1, to: &line) { options.append("drive=\(node)") }
            if firstOfKind[kind] == nil, let order = bootOrder.firstIndex(of: kind) {
                firstOfKind[kind] = position
                options.append("bootindex=\(order + 1)")
            }
            if let serial = disk.serial { options.append("serial=\(QEMUCommandLine.escaped(serial))") }
            switch bus {
            case "virtio":
                guard disk.device == "disk" else { throw QEMUCommandLine.unsupported("disk \(disk.target): a cdrom cannot sit on the virtio bus") }
                try line.device(line.machine.virtio("blk"), (options + ["id=virtio-disk\(index)"]).joined(separator: ","))
            case "scsi":
                if !addedSCSIController {
                    try line.device(line.machine.virtio("scsi"), "id=scsi0")
                    addedSCSIController = true
                }
                let type = disk.device == "cdrom" ? "scsi-cd" : "scsi-hd"
                try line.device(type, (["bus=scsi0.0", "channel=0", "scsi-id=0", "lun=\(index)"] + options + ["id=scsi0-0-0-\(index)"]).joined(separator: ","))
            case "ide":
                let type = disk.device == "cdrom" ? "ide-cd" : "ide-hd"
                try line.device(type, (["bus=ide.\(index / 2)", "unit=\(index % 2)"] + options + ["id=ide0-\(index / 2)-\(index % 2)"]).joined(separator: ","))
            default:  // sata, on q35's AHCI: one disk per port
                let type = disk.device == "cdrom" ? "ide-cd" : "ide-hd"
                try line.device(type, (["bus=ide.\(index)"] + options + ["id=sata0-0-\(index)"]).joined(separator: ","))
            }
        }
    }

    /// The disk's bus: as written, or libvirt's default for its target's prefix, checked
    /// against what the machine has.
    private static func bus(of disk: DiskDevice, machine: QEMUMachine) throws(VirError) -> String {
        guard ["disk", "cdrom"].contains(disk.device) else { throw QEMUCommandLine.unsupported("disk device '\(disk.device)'") }
        let bus = disk.bus ?? (disk.target.hasPrefix("vd") ? "virtio" : disk.target.hasPrefix("sd") ? "scsi" : disk.target.hasPrefix("hd") ? "ide" : "")
        switch (bus, machine.family) {
        case ("virtio", _), ("scsi", .pc), ("scsi", .q35), ("ide", .pc), ("sata", .q35): return bus
        case ("ide", .q35): throw QEMUCommandLine.unsupported("IDE controllers are unsupported for this QEMU binary or machine type")
        case ("", _): throw QEMUCommandLine.unsupported("disk \(disk.target): no bus given, and none follows from the target's name")
        default: throw QEMUCommandLine.unsupported("disk bus '\(bus)' on a \(machine.name) machine")
        }
    }

    /// `vda` → 0, `sdb` → 1, `hdaa` → 26: the letters after the two-letter prefix, in base 26.
    static func targetIndex(_ target: String) throws(VirError) -> Int {
        let letters = target.dropFirst(2)
        guard target.count > 2, target.count <= 6, letters.allSatisfy({ ("a"..."z").contains($0) }) else {
            throw QEMUCommandLine.unsupported("disk target '\(target)' is not a name like vda, sdb or hdc")
        }
        return letters.unicodeScalars.reduce(0) { $0 * 26 + Int($1.value - 96) } - 1
    }

    /// The `-blockdev` nodes of the disk's source, and the name of the top one; nil for an
    /// empty cdrom.
    private static func appendSource(of disk: DiskDevice, number: Int, to line: inout ArgumentList) throws(VirError) -> String? {
        let protocolDriver: String
        switch disk.type {
        case "file": protocolDriver = "file"
        case "block": protocolDriver = "host_device"
        default: throw QEMUCommandLine.unsupported("disk \(disk.target): source type '\(disk.type)'")
        }
        guard let source = disk.source else {
            guard disk.device == "cdrom" else { throw QEMUCommandLine.unsupported("disk \(disk.target) has no source") }
            return nil
        }
        let format = disk.driverType ?? "raw"
        guard ["raw", "qcow2"].contains(format) else { throw QEMUCommandLine.unsupported("disk \(disk.target): format '\(format)'") }
        if let name = disk.driverName, name != "qemu" { throw QEMUCommandLine.unsupported("disk \(disk.target): driver '\(name)'") }
        let readOnly = disk.readonly || disk.device == "cdrom"
        let storage = "libvirt-\(number)-storage"
        let top = "libvirt-\(number)-format"
        line.append("-blockdev", JSONValue.object([
            "driver": .string(protocolDriver), "filename": .string(source), "node-name": .string(storage),
            "auto-read-only": .bool(true), "discard": .string("unmap"),
        ]).serialized)
        var formatNode: [JSONValue.Member] = [
            .init("node-name", .string(top)), .init("read-only", .bool(readOnly)), .init("driver", .string(format)), .init("file", .string(storage)),
        ]
        // A backing file is opened only where the definition names one: an image must not
        // make QEMU open files the definition did not allow.
        if format == "qcow2" { formatNode.append(.init("backing", .null)) }
        line.append("-blockdev", JSONValue.object(formatNode).serialized)
        return top
    }
}
