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
                try line.device(line.machine.virtio("blk"), (options + ["id=\(try disk.deviceID())"]).joined(separator: ","))
            case "scsi":
                if !addedSCSIController {
                    try line.device(line.machine.virtio("scsi"), "id=scsi0")
                    addedSCSIController = true
                }
                let type = disk.device == "cdrom" ? "scsi-cd" : "scsi-hd"
                try line.device(type, (["bus=scsi0.0", "channel=0", "scsi-id=0", "lun=\(index)"] + options + ["id=\(try disk.deviceID())"]).joined(separator: ","))
            case "ide":
                let type = disk.device == "cdrom" ? "ide-cd" : "ide-hd"
                try line.device(type, (["bus=ide.\(index / 2)", "unit=\(index % 2)"] + options + ["id=\(try disk.deviceID())"]).joined(separator: ","))
            default:  // sata, on q35's AHCI: one disk per port
                let type = disk.device == "cdrom" ? "ide-cd" : "ide-hd"
                try line.device(type, (["bus=ide.\(index)"] + options + ["id=\(try disk.deviceID())"]).joined(separator: ","))
            }
        }
    }

    /// The disk's bus: as written, or libvirt's default for its target's prefix, checked
    /// against what the machine has.
    private static func bus(of disk: DiskDevice, machine: QEMUMachine) throws(VirError) -> String {
        guard ["disk", "cdrom"].contains(disk.device) else { throw QEMUCommandLine.unsupported("disk device '\(disk.device)'") }
        let bus = disk.busOrDefault
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
        guard ["file", "block"].contains(disk.type) else { throw QEMUCommandLine.unsupported("disk \(disk.target): source type '\(disk.type)'") }
        guard let source = disk.source else {
            guard disk.device == "cdrom" else { throw QEMUCommandLine.unsupported("disk \(disk.target) has no source") }
            return nil
        }
        if let name = disk.driverName, name != "qemu" { throw QEMUCommandLine.unsupported("disk \(disk.target): driver '\(name)'") }
        let readOnly = disk.readonly || disk.device == "cdrom"
        // Bottom up, so that each image's backing node exists before the image that names it.
        var below: String? = nil
        for (depth, image) in disk.backingChain.enumerated().reversed() {
            guard let format = image.format else {
                throw QEMUCommandLine.unsupported("disk \(disk.target): backing image \(image.source) has no <format>, and formats are never probed")
            }
            below = try appendImage(DiskImage(type: image.type, format: format, source: image.source), disk: disk, readOnly: true,
                                    nodePrefix: "libvirt-\(number)-backing\(depth + 1)", backing: below, to: &line)
        }
        let top = try appendImage(DiskImage(type: disk.type, format: disk.driverType ?? "raw", source: source), disk: disk, readOnly: readOnly,
                                  nodePrefix: "libvirt-\(number)", backing: below, to: &line)
        return top
    }

    /// The storage and format nodes of one image, the format node backed by `backing` (or by
    /// nothing); returns the format node's name.
    private static func appendImage(_ image: DiskImage, disk: DiskDevice, readOnly: Bool, nodePrefix: String, backing: String?,
                                    to line: inout ArgumentList) throws(VirError) -> String {
        let protocolDriver: String
        switch image.type {
        case "file": protocolDriver = "file"
        case "block": protocolDriver = "host_device"
        default: throw QEMUCommandLine.unsupported("disk \(disk.target): backing image type '\(image.type)'")
        }
        let format = image.format ?? "raw"
        guard ["raw", "qcow2"].contains(format) else { throw QEMUCommandLine.unsupported("disk \(disk.target): format '\(format)'") }
        if backing != nil && format != "qcow2" {
            throw QEMUCommandLine.unsupported("disk \(disk.target): a \(format) image cannot have a backing image")
        }
        let storage = nodePrefix + "-storage"
        let node = nodePrefix + "-format"
        line.append("-blockdev", JSONValue.object([
            "driver": .string(protocolDriver), "filename": .string(image.source), "node-name": .string(storage),
            "auto-read-only": .bool(true), "discard": .string("unmap"),
        ]).serialized)
        var formatNode: [JSONValue.Member] = [
            .init("node-name", .string(node)), .init("read-only", .bool(readOnly)), .init("driver", .string(format)), .init("file", .string(storage)),
        ]
        // A backing file is opened only where the definition names one: an image must not
        // make QEMU open files the definition did not allow.
        if format == "qcow2" { formatNode.append(.init("backing", backing.map { .string($0) } ?? .null)) }
        line.append("-blockdev", JSONValue.object(formatNode).serialized)
        return node
    }
}

extension DiskDevice {
    /// The bus as written, or libvirt's default for the target's prefix (`vd` virtio, `sd`
    /// scsi, `hd` ide); empty when neither says.
    var busOrDefault: String {
        bus ?? (target.hasPrefix("vd") ? "virtio" : target.hasPrefix("sd") ? "scsi" : target.hasPrefix("hd") ? "ide" : "")
    }

    /// The id of the disk's front-end device, libvirt's alias: `virtio-disk0`, `scsi0-0-0-1`,
    /// `ide0-1-0`, `sata0-0-2`.
    func deviceID() throws(VirError) -> String {
        let index = try QEMUDisks.targetIndex(target)
        switch busOrDefault {
        case "virtio": return "virtio-disk\(index)"
        case "scsi": return "scsi0-0-0-\(index)"
        case "ide": return "ide0-\(index / 2)-\(index % 2)"
        default: return "sata0-0-\(index)"
        }
    }
}
