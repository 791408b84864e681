import Glibc
import JSON
import VirtCore
import VirtError
import VirtXML

/// What a snapshot does to a domain's disk images: internal snapshots inside qcow2 images
/// (`qemu-img` while shut off, QEMU's snapshot jobs while running) and external overlays
/// (created with `qemu-img`, switched to live with `blockdev-snapshot`, committed back).
enum QEMUSnapshotImages {
    // MARK: Internal

    /// The disks an internal snapshot covers, each checked to be a qcow2 file.
    static func internalDisks(of snapshot: DomainSnapshotDefinition, in definition: DomainDefinition) throws(VirError) -> [DiskDevice] {
        try snapshot.disks.filter { $0.snapshot == .internal }.map { (entry) throws(VirError) -> DiskDevice in
            guard let disk = definition.devices.disks.first(where: { $0.target == entry.name }), disk.source != nil else {
                throw VirError(.configUnsupported, "no disk named '\(entry.name)'", domain: .domainSnapshot)
            }
            guard disk.type == "file", disk.driverType == "qcow2" else {
                throw VirError(.operationUnsupported, "internal snapshot for disk \(disk.target) unsupported for storage type \(disk.driverType ?? "raw"): it needs a qcow2 file", domain: .qemu)
            }
            return disk
        }
    }

    /// `qemu-img snapshot` on each disk, undoing the ones done when one fails (for create).
    static func internalOffline(_ action: QEMUImages.InternalAction, _ name: String, disks: [DiskDevice]) async throws(VirError) {
        var done: [DiskDevice] = []
        do throws(VirError) {
            for disk in disks {
                try await QEMUImages.internalSnapshot(action, name, image: disk.source ?? "")
                done.append(disk)
            }
        } catch {
            if action == .create { for disk in done { try? await QEMUImages.internalSnapshot(.delete, name, image: disk.source ?? "") } }
            throw error
        }
    }

    /// `snapshot-save`, `snapshot-load` or `snapshot-delete` on the running QEMU: the VM state
    /// goes to (comes from) the first disk.
    static func internalLive(_ command: String, _ name: String, disks: [DiskDevice], qemu: QEMUProcess) async throws(VirError) {
        let nodes = try await qemu.topNodes(of: disks)
        let devices = disks.compactMap { nodes[$0.target]?.node }
        guard devices.count == disks.count, let first = devices.first else {
            throw VirError(.operationInvalid, "QEMU does not show every disk of the snapshot", domain: .qemu)
        }
        var arguments: [(String, JSONValue)] = [("tag", .string(name)), ("devices", .array(devices.map { .string($0) }))]
        if command != "snapshot-delete" { arguments.append(("vmstate", .string(first))) }
        try await qemu.runJob(command, arguments)
    }

    // MARK: External

    /// The disks an external snapshot covers, with the overlay each gets.
    static func externalDisks(of snapshot: DomainSnapshotDefinition, in definition: DomainDefinition) throws(VirError) -> [(disk: DiskDevice, overlay: String)] {
        try snapshot.disks.filter { $0.snapshot == .external }.map { (entry) throws(VirError) -> (DiskDevice, String) in
            guard let disk = definition.devices.disks.first(where: { $0.target == entry.name }), disk.source != nil, let overlay = entry.source else {
                throw VirError(.configUnsupported, "no disk named '\(entry.name)'", domain: .domainSnapshot)
            }
            guard disk.type == "file", entry.sourceType == "file", (entry.driverType ?? "qcow2") == "qcow2" else {
                throw VirError(.operationUnsupported, "external snapshot of disk \(disk.target): only qcow2 overlay files are supported", domain: .qemu)
            }
            return (disk, overlay)
        }
    }

    /// `disk` with `overlay` on top: the overlay is its source, its old images the chain.
    static func overlaid(_ disk: DiskDevice, with overlay: String) -> DiskDevice {
        var top = disk
        top.backingChain = Array(disk.images)
        top.source = overlay
        top.driverType = "qcow2"
        return top
    }

    /// Creates the overlays (or, with `reuse`, takes the files there), undoing what it
    /// did when one fails. `sizes` gives each disk's size, to create an overlay without
    /// opening a backing image a running QEMU holds.
    static func createOverlays(_ disks: [(disk: DiskDevice, overlay: String)], reuse: Bool, sizes: [String: UInt64] = [:]) async throws(VirError) -> [String] {
        var created: [String] = []
        do throws(VirError) {
            for (disk, overlay) in disks {
                if reuse {
                    guard access(overlay, F_OK) == 0 else { throw QEMUImages.cannotAccess(overlay) }
                    continue
                }
                guard access(overlay, F_OK) != 0 else {
                    throw VirError(.operationUnsupported, "external snapshot file for disk \(disk.target) already exists and is not a block device: \(overlay)", domain: .qemu)
                }
                try await QEMUImages.createOverlay(overlay, backing: disk.source ?? "", format: disk.driverType ?? "raw", size: sizes[disk.target])
                created.append(overlay)
            }
            return created
        } catch {
            for file in created { unlink(file) }
            throw error
        }
    }

    /// Puts the overlays on top of the running disks, all at once (`blockdev-add` each, then
    /// one `transaction` of `blockdev-snapshot`s).
    static func switchLive(to disks: [(disk: DiskDevice, overlay: String)], nodes: [String: (node: String, size: UInt64)], qemu: QEMUProcess) async throws(VirError) {
        var added: [String] = []
        do throws(VirError) {
            var actions: [JSONValue] = []
            for (disk, overlay) in disks {
                guard let top = nodes[disk.target]?.node else { throw VirError(.operationInvalid, "QEMU does not show disk \(disk.target)", domain: .qemu) }
                let node = "snapshot-\(disk.target)-\(UInt32.random(in: 0 ... .max))"
                _ = try await qemu.monitor.execute("blockdev-add", arguments: .object([
                    ("driver", .string("qcow2")), ("node-name", .string(node)),
                    ("file", .object([("driver", .string("file")), ("filename", .string(overlay))])), ("backing", .null),
                ]))
                added.append(node)
                actions.append(.object([("type", .string("blockdev-snapshot")), ("data", .object([("node", .string(top)), ("overlay", .string(node))]))]))
            }
            _ = try await qemu.monitor.execute("transaction", arguments: .object([("actions", .array(actions))]))
        } catch {
            for node in added { _ = try? await qemu.monitor.execute("blockdev-del", arguments: .object([("node-name", .string(node))])) }
            throw error
        }
    }

    /// Whether `path` is an image of a snapshot of `tree` other than `except`: the frozen
    /// image it keeps the disk's state in, or one under it.
    static func isKept(_ path: String, by tree: SnapshotTree, except: String? = nil) -> Bool {
        tree.all.contains { node in
            node.name != except && (node.payload.domain?.devices.disks ?? []).contains { $0.images.contains { $0.source == path } }
        }
    }
}
