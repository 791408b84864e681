import Foundation
import SwiftVirt
import Testing

/// Save and restore of a running guest: libvirt's save image (header, XML, QEMU's
/// migration stream) and a guest that goes on where it was.
@Suite("qemu:///embed: save and restore", .enabled(if: RealQEMU.available, RealQEMU.why), .serialized)
struct SaveRestoreTests {
    @Test("a saved guest is restored with its memory, paused or running, and goes on answering")
    func saveAndRestore() async throws {
        try await EmbeddedQEMU.with { embedded, conn in
            let guest = try BootSectorGuest(in: embedded.root, name: "kept")
            let domain = try await conn.defineDomain(xml: try guest.xml("kept")).create()
            try guest.serial().waitUntilReady()
            let file = embedded.root + "/kept.save"
            let events = EventLog(try await conn.lifecycleEvents(), count: 2)
            try await domain.save(to: file)
            #expect(await events.events().map(\.1) == [.suspendedPaused, .stoppedSaved])
            #expect(try await domain.state() == (.shutoff, .shutoffSaved))
            #expect(try await domain.jobInfo().type == DomainJobInfo.JobType.none)
            let header = try #require(FileHandle(forReadingAtPath: file)?.readData(ofLength: 16))
            #expect(String(decoding: header, as: UTF8.self) == "LibvirtQemudSave")

            try await conn.restoreDomain(from: file, flags: .paused)
            #expect(try await domain.state() == (.paused, .pausedSave))
            // Nothing has run since the restore, yet the boot sector is in memory: it came
            // from the file, not from a new boot.
            let memory = try await domain.qemuMonitorCommand("xp /2bx 0x7dfe", flags: .hmp)
            #expect(memory.contains("0x55 0xaa"), "\(memory)")
            try await domain.resume()
            let serial = try guest.serial()
            serial.send("1")
            #expect(await eventually { try await domain.state() == (.shutoff, .shutoffShutdown) })

            // Without flags, a guest saved running runs again.
            _ = try await domain.create()
            try guest.serial().waitUntilReady()
            try await domain.save(to: file)
            let imageXML = try await conn.saveImageXML(path: file)
            #expect(try DomainDefinition.parse(imageXML).name == "kept" && !imageXML.contains("id="), "\(imageXML)")
            // While QEMU reads the state, the job reports how much of the file it has read.
            let stateSize = UInt64(try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int ?? 0)
            let watcher = Task {
                var seen: [DomainJobInfo] = []
                while !Task.isCancelled {
                    if let info = try? await conn.lookupDomain(name: "kept").jobInfo(), info.type != .none { seen.append(info) }
                    try? await Task.sleep(for: .milliseconds(1))
                }
                return seen
            }
            try await conn.restoreDomain(from: file)
            watcher.cancel()
            for info in await watcher.value {
                #expect(info.dataTotal > 0 && info.dataTotal < stateSize && info.dataProcessed + info.dataRemaining == info.dataTotal, "\(info)")
            }
            #expect(try await domain.jobInfo().type == DomainJobInfo.JobType.none)
            #expect(try await domain.state() == (.running, .runningRestored))
            let twice = await #expect(throws: VirError.self) { try await conn.restoreDomain(from: file) }
            #expect(twice?.code == .operationInvalid, "\(twice?.message ?? "")")
        }
    }

    @Test("bad saves and restores get libvirt's errors and change nothing")
    func refusals() async throws {
        try await EmbeddedQEMU.with { embedded, conn in
            let domain = try await conn.defineDomain(xml: try EmbeddedQEMU.guestXML("plain"))
            let file = embedded.root + "/plain.save"
            let notRunning = await #expect(throws: VirError.self) { try await domain.save(to: file) }
            #expect(notRunning?.code == .operationInvalid)
            #expect(!FileManager.default.fileExists(atPath: file))

            _ = try await domain.create()
            let other = try EmbeddedQEMU.guestXML("other")
            let renamed = await #expect(throws: VirError.self) { try await domain.save(to: file, xml: other) }
            #expect(renamed?.code == .configUnsupported, "\(renamed?.message ?? "")")
            let nowhere = await #expect(throws: VirError.self) { try await domain.save(to: embedded.root + "/no/such/dir/x.save") }
            #expect(nowhere?.code == .systemError)
            #expect(try await domain.state() == (.running, .runningBooted))

            let missing = await #expect(throws: VirError.self) { try await conn.restoreDomain(from: embedded.root + "/missing.save") }
            #expect(missing?.code == .systemError)
            let missingXML = await #expect(throws: VirError.self) { try await conn.saveImageXML(path: embedded.root + "/missing.save") }
            #expect(missingXML?.code == .systemError)
            let junk = embedded.root + "/junk.save"
            try Data(repeating: 7, count: 200).write(to: URL(fileURLWithPath: junk))
            let badMagic = await #expect(throws: VirError.self) { try await conn.restoreDomain(from: junk) }
            #expect(badMagic?.code == .operationFailed && badMagic?.message.contains("image magic is incorrect") == true)
            let junkXML = await #expect(throws: VirError.self) { try await conn.saveImageXML(path: junk) }
            #expect(junkXML?.code == .operationFailed)
            #expect(try await conn.listAllDomains().count == 1)
        }
    }
}

/// Core dumps of a running QEMU: the guest's memory as an ELF core, or its whole state as
/// QEMU's migration stream.
@Suite("qemu:///embed: core dumps", .enabled(if: RealQEMU.available, RealQEMU.why), .serialized)
struct CoreDumpTests {
    @Test("a memory-only dump is an ELF core, a full one QEMU's migration stream; the guest runs on, or is reset, or stops crashed")
    func coreDump() async throws {
        try await EmbeddedQEMU.with { embedded, conn in
            let domain = try await conn.defineDomain(xml: try EmbeddedQEMU.guestXML("dumped")).create()
            let core = embedded.root + "/dumped.core"
            func magic() throws -> [UInt8] { Array(try #require(FileHandle(forReadingAtPath: core)?.readData(ofLength: 8))) }
            try await domain.coreDump(to: core, flags: .memoryOnly)
            #expect(try magic().prefix(4) == [0x7f, 0x45, 0x4c, 0x46])
            let size = try FileManager.default.attributesOfItem(atPath: core)[.size] as? Int ?? 0
            #expect(size > 256 << 20, "the whole 256 MiB of memory: \(size)")
            #expect(try await domain.state() == (.running, .runningUnpaused))
            // "QEVM", version 3: what libvirt's dump without --memory-only writes too.
            for flags: DumpFlags in [[], .live] {
                try await domain.coreDump(to: core, flags: flags)
                #expect(try magic() == [0x51, 0x45, 0x56, 0x4d, 0, 0, 0, 3], "\(flags)")
                #expect(try await domain.state() == (.running, .runningUnpaused), "\(flags)")
            }
            try await domain.suspend()
            try await domain.coreDump(to: core)
            #expect(try await domain.state() == (.paused, .pausedUser))
            try await domain.resume()
            try await domain.coreDump(to: core, flags: [.live, .reset, .memoryOnly])
            #expect(try await domain.state().state == .running)

            let nowhere = await #expect(throws: VirError.self) { try await domain.coreDump(to: embedded.root + "/no/such/dir/core") }
            #expect(nowhere?.code == .systemError)
            #expect(try await domain.state().state == .running)

            try await domain.coreDump(to: core, flags: .crash)
            #expect(try await domain.state() == (.shutoff, .shutoffCrashed))
            let stopped = await #expect(throws: VirError.self) { try await domain.coreDump(to: core) }
            #expect(stopped?.code == .operationInvalid)
        }
    }
}
