import Foundation
import Glibc
import SwiftVirt
import Testing

/// Snapshots of `qemu:///embed` domains on real qcow2 images: what each call does to the
/// images (checked with qemu-img and qemu-io) and to libvirt's metadata.
@Suite("qemu:///embed: internal and external snapshots", .enabled(if: RealQEMU.available, RealQEMU.why), .serialized)
struct SnapshotTests {
    @Test("internal snapshots of a shut-off domain: qemu-img inside the image, libvirt's tree, metadata that survives the driver")
    func internalOffline() async throws {
        try await EmbeddedQEMU.with { embedded, conn in
            let image = try DiskImages.fresh(in: embedded.root)
            let domain = try await conn.defineDomain(xml: try DiskImages.guestXML("offline", disk: image))
            let s1 = try await domain.createSnapshot(xml: "<domainsnapshot><name>s1</name><description>first</description></domainsnapshot>")
            try DiskImages.write(0xbb, to: image)
            let s2 = try await domain.createSnapshot(xml: "<domainsnapshot><name>s2</name></domainsnapshot>")
            #expect(try DiskImages.internalSnapshots(image) == ["s1", "s2"])
            #expect(try await domain.currentSnapshot().name == "s2")
            #expect(try await s2.parent().name == "s1")
            #expect(try await domain.snapshotNames(flags: .roots) == ["s1"])
            #expect(try await domain.snapshotNames(flags: .leaves) == ["s2"])
            #expect(try await domain.snapshotNames(flags: .inactive) == ["s1", "s2"])
            #expect(try await domain.snapshotNames(flags: .active).isEmpty)
            #expect(try await domain.snapshotNames(flags: .external).isEmpty)
            let xml = try await s1.xmlDescription()
            #expect(xml.contains("<state>shutoff</state>") && xml.contains("<disk name='vda' snapshot='internal'/>") && xml.contains("<description>first</description>"), "\(xml)")

            let duplicate = await #expect(throws: VirError.self) { try await domain.createSnapshot(xml: "<domainsnapshot><name>s1</name></domainsnapshot>") }
            #expect(duplicate?.code == .operationFailed && duplicate?.message.contains("s1 already exists") == true)
            let external = await #expect(throws: VirError.self) { try await domain.createSnapshot(xml: "<domainsnapshot><name>e</name></domainsnapshot>", flags: .diskOnly) }
            #expect(external?.code == .operationUnsupported, "\(external?.message ?? "")")
            let missing = await #expect(throws: VirError.self) { try await DomainSnapshot(domain: domain, name: "nosuch").revert() }
            #expect(missing?.code == .noDomainSnapshot)
            #expect(try DiskImages.internalSnapshots(image) == ["s1", "s2"])

            try await s1.revert()
            #expect(try DiskImages.holds(0xaa, image))
            #expect(try await domain.currentSnapshot().name == "s1")
            #expect(try await domain.state().state == .shutoff)
            // Current moved: both files were rewritten. A revert to the current one rewrites none.
            let metadata = embedded.root + "/snapshot/offline/"
            let left = try String(contentsOfFile: metadata + "s2.xml", encoding: .utf8)
            #expect(left.contains("<active>0</active>"), "\(left)")
            func fileNumber(_ name: String) throws -> Int? {
                try FileManager.default.attributesOfItem(atPath: metadata + name)[.systemFileNumber] as? Int
            }
            let files = try (fileNumber("s1.xml"), fileNumber("s2.xml"))
            try await s1.revert()
            #expect(try DiskImages.holds(0xaa, image))
            #expect(try (fileNumber("s1.xml"), fileNumber("s2.xml")) == files)

            // The metadata is libvirt's, on disk: a new driver on the root has the same tree.
            await conn.close()
            let reopened = try await Connection.open(embedded.uri)
            let again = try await reopened.lookupDomain(name: "offline")
            #expect(try await again.currentSnapshot().name == "s1")
            #expect(try await again.snapshotNames() == ["s1", "s2"])
            let kept = try String(contentsOfFile: embedded.root + "/snapshot/offline/s1.xml", encoding: .utf8)
            #expect(kept.contains("<active>1</active>") && kept.contains("<domain type='kvm'>"), "\(kept)")

            let refused = await #expect(throws: VirError.self) { try await again.undefine() }
            #expect(refused?.code == .operationInvalid && refused?.message.contains("cannot delete inactive domain with 2 snapshots") == true)
            try await DomainSnapshot(domain: again, name: "s1").delete()
            #expect(try DiskImages.internalSnapshots(image) == ["s2"])
            #expect(try await again.snapshotNames(flags: .roots) == ["s2"])
            // s1 was current: its parent (none) is now, as in libvirt.
            #expect(try await !again.hasCurrentSnapshot())
            try await again.undefine(flags: .snapshotsMetadata)
            #expect(!FileManager.default.fileExists(atPath: embedded.root + "/snapshot/offline"))
            await embedded.cleanUp(reopened)
        }
    }

    @Test("an internal snapshot needs qcow2; a raw disk can be left out of it")
    func internalNeedsQcow2() async throws {
        try await EmbeddedQEMU.with { embedded, conn in
            let image = embedded.root + "/disk.raw"
            try DiskImages.tool("qemu-img", ["create", "-q", "-f", "raw", image, "1M"])
            let domain = try await conn.defineDomain(xml: try DiskImages.guestXML("raw", disk: image, format: "raw"))
            let refused = await #expect(throws: VirError.self) { try await domain.createSnapshot(xml: "<domainsnapshot/>") }
            #expect(refused?.code == .operationUnsupported, "\(refused?.message ?? "")")
            #expect(try await domain.snapshotNames().isEmpty)
            let skipping = "<domainsnapshot><name>meta</name><disks><disk name='vda' snapshot='no'/></disks></domainsnapshot>"
            #expect(try await domain.createSnapshot(xml: skipping).name == "meta")
        }
    }

    @Test("external snapshots of a shut-off domain: overlays, revert to a frozen image, delete commits back")
    func externalOffline() async throws {
        try await EmbeddedQEMU.with { embedded, conn in
            let image = try DiskImages.fresh(in: embedded.root)
            let domain = try await conn.defineDomain(xml: try DiskImages.guestXML("ext", disk: image))
            let e1 = try await domain.createSnapshot(xml: "<domainsnapshot><name>e1</name></domainsnapshot>", flags: .diskOnly)
            let overlay = embedded.root + "/disk.e1"
            var disk = try #require(try await domain.definition().devices.disks.first)
            #expect(disk.source == overlay && disk.driverType == "qcow2")
            #expect(disk.backingChain == [DiskImage(format: "qcow2", source: image)])
            #expect(try await domain.xmlDescription(flags: .inactive).contains("<backingStore type='file'>"))
            #expect(try await domain.snapshotNames(flags: .external) == ["e1"])
            #expect(try await domain.snapshotNames(flags: .diskOnly) == ["e1"])
            let mixing = await #expect(throws: VirError.self) { try await domain.createSnapshot(xml: "<domainsnapshot><memory snapshot='no'/><disks><disk name='vda' snapshot='internal'/></disks></domainsnapshot>") }
            #expect(mixing?.code == .operationUnsupported, "\(mixing?.message ?? "")")
            let taken = await #expect(throws: VirError.self) {
                try await domain.createSnapshot(xml: "<domainsnapshot><name>e2</name><disks><disk name='vda'><source file='\(overlay)'/></disk></disks></domainsnapshot>", flags: .diskOnly)
            }
            #expect(taken?.message.contains("already exists") == true, "\(taken?.message ?? "")")

            try DiskImages.write(0xbb, to: overlay)
            #expect(try DiskImages.holds(0xaa, image))
            try await e1.revert()
            #expect(try DiskImages.holds(0xaa, overlay))
            disk = try #require(try await domain.definition().devices.disks.first)
            #expect(disk.source == overlay && disk.backingChain.first?.source == image)

            try DiskImages.write(0xcc, to: overlay)
            try await e1.delete()
            #expect(try DiskImages.holds(0xcc, image))
            #expect(!FileManager.default.fileExists(atPath: overlay))
            disk = try #require(try await domain.definition().devices.disks.first)
            #expect(disk.source == image && disk.backingChain.isEmpty)
            #expect(try await domain.snapshotNames().isEmpty)

            // REUSE_EXT takes the overlay the caller made.
            let mine = embedded.root + "/mine.qcow2"
            try DiskImages.tool("qemu-img", ["create", "-q", "-f", "qcow2", "-F", "qcow2", "-b", image, mine])
            let reuse = "<domainsnapshot><name>r</name><disks><disk name='vda'><source file='\(mine)'/></disk></disks></domainsnapshot>"
            _ = try await domain.createSnapshot(xml: reuse, flags: [.diskOnly, .reuseExt])
            #expect(try await domain.definition().devices.disks.first?.source == mine)
            let started = try await domain.create()
            #expect(try await started.state().state == .running)
        }
    }

    @Test("reverting between external snapshots of a chain keeps every snapshot's image; deleting with children merges them all")
    func externalChain() async throws {
        try await EmbeddedQEMU.with { embedded, conn in
            let image = try DiskImages.fresh(in: embedded.root)
            let domain = try await conn.defineDomain(xml: try DiskImages.guestXML("chain", disk: image))
            let e1 = try await domain.createSnapshot(xml: "<domainsnapshot><name>e1</name></domainsnapshot>", flags: .diskOnly)
            let first = embedded.root + "/disk.e1", second = embedded.root + "/disk.e2"
            try DiskImages.write(0xbb, to: first)
            let e2 = try await domain.createSnapshot(xml: "<domainsnapshot><name>e2</name></domainsnapshot>", flags: .diskOnly)
            try DiskImages.write(0xcc, to: second)

            // disk.e1 is what e2 froze: the revert to e1 puts a new overlay next to it.
            try await e1.revert()
            let sibling = first + ".1"
            #expect(try await domain.definition().devices.disks.first?.source == sibling)
            #expect(try DiskImages.holds(0xaa, sibling) && DiskImages.holds(0xbb, first))
            try await e2.revert()
            #expect(try await domain.definition().devices.disks.first?.source == second)
            #expect(try DiskImages.holds(0xbb, second))
            #expect(!FileManager.default.fileExists(atPath: sibling), "the discarded overlay is removed")

            let inTheMiddle = await #expect(throws: VirError.self) { try await e1.delete() }
            #expect(inTheMiddle?.code == .operationUnsupported, "\(inTheMiddle?.message ?? "")")
            #expect(try await domain.snapshotNames() == ["e1", "e2"])
            try DiskImages.write(0xdd, to: second)
            try await e1.delete(flags: .children)
            #expect(try await domain.snapshotNames().isEmpty)
            #expect(try DiskImages.holds(0xdd, image))
            #expect(!FileManager.default.fileExists(atPath: first) && !FileManager.default.fileExists(atPath: second))
            let disk = try #require(try await domain.definition().devices.disks.first)
            #expect(disk.source == image && disk.backingChain.isEmpty)
        }
    }

    @Test("a disk's images are checked at start: missing, a backing file not declared, in use by another running domain")
    func diskChecks() async throws {
        try await EmbeddedQEMU.with { embedded, conn in
            let base = embedded.root + "/base.qcow2"
            let top = embedded.root + "/top.qcow2"
            try DiskImages.make(base, pattern: 0xaa)
            try DiskImages.tool("qemu-img", ["create", "-q", "-f", "qcow2", "-F", "qcow2", "-b", base, top])
            let undeclared = try await conn.defineDomain(xml: try DiskImages.guestXML("undeclared", disk: top))
            let refused = await #expect(throws: VirError.self) { try await undeclared.create() }
            #expect(refused?.code == .operationInvalid && refused?.message.contains("has backing file \(base)") == true, "\(refused?.message ?? "")")
            #expect(try await undeclared.state().state == .shutoff)

            let declared = try DiskImages.guestXML("declared", disk: top).replacingOccurrences(
                of: "<source file='\(top)'/>", with: "<source file='\(top)'/><backingStore type='file'><format type='qcow2'/><source file='\(base)'/></backingStore>")
            let chained = try await conn.createDomain(xml: declared)
            #expect(try await chained.definition().devices.disks.first?.backingChain.first?.source == base)

            let sharing = try await conn.defineDomain(xml: try DiskImages.guestXML("sharing", disk: base))
            let inUse = await #expect(throws: VirError.self) { try await sharing.create() }
            #expect(inUse?.message.contains("in use by running domain 'declared'") == true, "\(inUse?.message ?? "")")

            let gone = try await conn.defineDomain(xml: try DiskImages.guestXML("gone", disk: embedded.root + "/gone.qcow2"))
            let missing = await #expect(throws: VirError.self) { try await gone.create() }
            #expect(missing?.code == .systemError && missing?.message.contains("Cannot access storage file") == true, "\(missing?.message ?? "")")
        }
    }

    @Test("snapshots of a running guest: snapshot-save, -load and -delete jobs; a live overlay committed back by block-commit")
    func running() async throws {
        try await EmbeddedQEMU.with { embedded, conn in
            let image = try DiskImages.fresh(in: embedded.root)
            let domain = try await conn.defineDomain(xml: try DiskImages.guestXML("live", disk: image))
            _ = try await domain.create()
            let events = EventLog(try await conn.lifecycleEvents(), count: 2)
            let s1 = try await domain.createSnapshot(xml: "<domainsnapshot><name>s1</name></domainsnapshot>")
            #expect(await events.events().map(\.0) == [.suspended, .resumed])
            #expect(try await domain.state() == (.running, .runningUnpaused))
            #expect(try DiskImages.internalSnapshots(image) == ["s1"])
            #expect(try await s1.xmlDescription().contains("<state>running</state>"))
            #expect(try await s1.xmlDescription().contains("<memory snapshot='internal'/>"))

            try await s1.revert(flags: .paused)
            #expect(try await domain.state() == (.paused, .pausedFromSnapshot))
            try await s1.revert()
            #expect(try await domain.state() == (.running, .runningFromSnapshot))
            try await s1.delete()
            #expect(try DiskImages.internalSnapshots(image).isEmpty)

            // Shut off, the domain is started again from the snapshot's memory.
            let s2 = try await domain.createSnapshot(xml: "<domainsnapshot><name>s2</name></domainsnapshot>")
            try await domain.destroy()
            try await s2.revert()
            #expect(try await domain.state() == (.running, .runningFromSnapshot))
            try await s2.delete()

            let noMemory = await #expect(throws: VirError.self) { try await domain.createSnapshot(xml: "<domainsnapshot><memory snapshot='no'/></domainsnapshot>") }
            #expect(noMemory?.code == .operationUnsupported)
        }
    }

    @Test("an external snapshot with memory writes a save image and moves the disk to an overlay; a revert starts the guest from that memory")
    func externalWithMemory() async throws {
        try await EmbeddedQEMU.with { embedded, conn in
            let image = try DiskImages.fresh(in: embedded.root)
            let domain = try await conn.defineDomain(xml: try DiskImages.guestXML("memext", disk: image))
            _ = try await domain.create()
            let memory = embedded.root + "/memext.mem"
            func withMemory(_ name: String, _ file: String) -> String {
                "<domainsnapshot><name>\(name)</name><memory snapshot='external' file='\(file)'/></domainsnapshot>"
            }
            let m1 = try await domain.createSnapshot(xml: withMemory("m1", memory))
            #expect(try await domain.state() == (.running, .runningUnpaused))
            let magic = FileHandle(forReadingAtPath: memory)?.readData(ofLength: 16)
            #expect(magic.map { String(decoding: $0, as: UTF8.self) } == "LibvirtQemudSave")
            let overlay = embedded.root + "/disk.m1"
            #expect(try await domain.definition().devices.disks.first?.source == overlay)
            let xml = try await m1.xmlDescription()
            #expect(xml.contains("<state>running</state>") && xml.contains("<memory snapshot='external' file='\(memory)'/>"), "\(xml)")

            // What cannot be done fails before anything changes.
            let taken = await #expect(throws: VirError.self) { try await domain.createSnapshot(xml: withMemory("m2", memory)) }
            #expect(taken?.code == .operationInvalid && taken?.message.contains("already exists") == true, "\(taken?.message ?? "")")
            let nowhere = await #expect(throws: VirError.self) { try await domain.createSnapshot(xml: withMemory("m2", embedded.root + "/no/such/dir/mem")) }
            #expect(nowhere?.code == .systemError)
            let live = await #expect(throws: VirError.self) { try await domain.createSnapshot(xml: withMemory("m2", memory + "2"), flags: .live) }
            #expect(live?.code == .operationUnsupported)
            #expect(try await domain.snapshotNames() == ["m1"])
            #expect(try await domain.definition().devices.disks.first?.source == overlay)
            #expect(try await domain.state() == (.running, .runningUnpaused))

            // A new QEMU takes in the memory, on a fresh overlay over the image the snapshot froze.
            try await m1.revert(flags: .paused)
            #expect(try await domain.state() == (.paused, .pausedFromSnapshot))
            try await m1.revert()
            #expect(try await domain.state() == (.running, .runningFromSnapshot))
            let blocks = try await domain.qemuMonitorCommand(#"{"execute":"query-block"}"#)
            #expect(blocks.contains(image), "\(blocks)")

            // Without its memory file the revert fails, and the guest runs on.
            unlink(memory)
            let gone = await #expect(throws: VirError.self) { try await m1.revert() }
            #expect(gone?.code == .systemError)
            #expect(try await domain.state() == (.running, .runningFromSnapshot))
            try await domain.destroy()
            let offline = await #expect(throws: VirError.self) { try await domain.createSnapshot(xml: withMemory("m3", memory)) }
            #expect(offline?.code == .configUnsupported)
        }
    }

    @Test("a disk-only snapshot of a running guest switches it to an overlay live, and delete commits it back live")
    func runningExternal() async throws {
        try await EmbeddedQEMU.with { embedded, conn in
            let image = try DiskImages.fresh(in: embedded.root)
            let domain = try await conn.defineDomain(xml: try DiskImages.guestXML("livext", disk: image))
            let running = try await domain.create()
            let e1 = try await domain.createSnapshot(xml: "<domainsnapshot><name>e1</name></domainsnapshot>", flags: .diskOnly)
            let overlay = embedded.root + "/disk.e1"
            let blocks = try await running.qemuMonitorCommand(#"{"execute":"query-block"}"#)
            #expect(blocks.contains(overlay), "\(blocks)")
            #expect(try await domain.definition().devices.disks.first?.source == overlay)
            #expect(try await domain.definition(flags: .inactive).devices.disks.first?.source == overlay)
            #expect(try await e1.xmlDescription().contains("<state>disk-snapshot</state>"))

            try await e1.delete()
            #expect(!FileManager.default.fileExists(atPath: overlay))
            #expect(try await domain.definition().devices.disks.first?.source == image)
            let after = try await running.qemuMonitorCommand(#"{"execute":"query-block"}"#)
            #expect(!after.contains(overlay), "\(after)")
            #expect(try await domain.state().state == .running)
        }
    }

    @Test("a running transient domain reverted to a disk-only snapshot is started again from it, not lost")
    func transientRevert() async throws {
        try await EmbeddedQEMU.with { embedded, conn in
            let image = try DiskImages.fresh(in: embedded.root)
            let domain = try await conn.createDomain(xml: try DiskImages.guestXML("transient", disk: image))
            let e1 = try await domain.createSnapshot(xml: "<domainsnapshot><name>e1</name></domainsnapshot>", flags: .diskOnly)
            let events = EventLog(try await conn.lifecycleEvents(), count: 2)
            // A disk-only snapshot is of a shut-off state: a transient domain must say how to run.
            let inactive = await #expect(throws: VirError.self) { try await e1.revert() }
            #expect(inactive?.code == .operationInvalid)
            try await e1.revert(flags: .running)
            #expect(await events.events().map(\.1) == [.stoppedFromSnapshot, .startedFromSnapshot])
            let reverted = try await conn.lookupDomain(name: "transient")
            #expect(try await reverted.state() == (.running, .runningFromSnapshot))
            #expect(try await reverted.isPersistent() == false)
            #expect(try await reverted.snapshotNames() == ["e1"])
            #expect(try await reverted.definition().devices.disks.first?.source == embedded.root + "/disk.e1")
            try await reverted.destroy()
            let gone = await #expect(throws: VirError.self) { try await conn.lookupDomain(name: "transient") }
            #expect(gone?.code == .noDomain)
        }
    }
}
