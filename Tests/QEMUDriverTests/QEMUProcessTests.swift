import JSON
import Foundation
import Glibc
import QMP
import Testing
import VirtError
import VirtSystem
import VirtXML
@testable import VirtDriverQEMU

@Suite("QEMU processes (Debian's QEMU under KVM)", .enabled(if: RealQEMU.available, RealQEMU.why))
struct QEMUProcessTests {
    @Test("the probe finds the binary's machines and devices, and is cached by the binary's identity")
    func probe() async throws {
        let directory = try RealQEMU.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let probe = QEMUCapabilityProbe(cacheDirectory: directory)
        let capabilities = try await probe.capabilities(of: RealQEMU.emulator)
        #expect(capabilities.version >= 7_000_000)
        #expect(capabilities.kvm)
        #expect(capabilities.machine(named: "pc")?.name.hasPrefix("pc-i440fx-") == true)
        #expect(capabilities.machine(named: "q35") != nil)
        #expect(capabilities.machine(named: "microvm") != nil)
        for type in ["isa-serial", "virtio-blk-pci", "virtio-serial-pci", "virtio-balloon-pci", "pvpanic"] { #expect(capabilities.has(type)) }
        let cacheFiles = try FileManager.default.contentsOfDirectory(atPath: directory)
        #expect(cacheFiles == ["usr_bin_qemu-system-x86_64.json"])
        // A second probe object reads the file instead of running QEMU.
        #expect(try await QEMUCapabilityProbe(cacheDirectory: directory).capabilities(of: RealQEMU.emulator) == capabilities)

        let missing = await #expect(throws: VirError.self) { try await probe.capabilities(of: "/no/such/qemu") }
        #expect(missing?.message.hasPrefix("invalid argument: Cannot find QEMU binary /no/such/qemu") == true)
        let notQEMU = await #expect(throws: VirError.self) { try await probe.capabilities(of: "/bin/true") }
        #expect(notQEMU?.message.contains("cannot probe the capabilities of /bin/true") == true)
    }

    @Test("launch paused, cont, stop and cont over QMP, pass a command through, then terminate")
    func lifecycle() async throws {
        let directory = try RealQEMU.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let capabilities = try await QEMUCapabilityProbe(cacheDirectory: directory).capabilities(of: RealQEMU.emulator)
        let paths = QEMUProcess.Paths(runDirectory: directory, logDirectory: directory, name: "bench")
        let qemu = try await QEMUProcess.launch(try RealQEMU.benchGuest(), capabilities: capabilities, paths: paths)
        do {
            #expect(try await qemu.monitor.execute("query-status")["status"]?.stringValue == "prelaunch")
            _ = try await qemu.monitor.execute("cont")
            #expect(try await qemu.monitor.execute("query-status")["status"]?.stringValue == "running")
            _ = try await qemu.monitor.execute("stop")
            #expect(try await qemu.monitor.execute("query-status")["status"]?.stringValue == "paused")
            let reply = try await qemu.monitor.passThrough(try JSONValue(parsing: #"{"execute":"query-name"}"#))
            #expect(reply["return"]?["name"]?.stringValue == "bench")
            #expect(try qemu.process.exitStatus() == nil)
        } catch {
            await qemu.terminate()
            throw error
        }
        await qemu.terminate()
        #expect(try qemu.process.exitStatus() != nil)
        #expect(access(paths.monitor, F_OK) != 0)
    }

    @Test("a QEMU that refuses its configuration fails the launch with its own words, and leaves nothing running")
    func refusedConfiguration() async throws {
        let directory = try RealQEMU.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let capabilities = try await QEMUCapabilityProbe(cacheDirectory: directory).capabilities(of: RealQEMU.emulator)
        var definition = try RealQEMU.benchGuest()
        var disk = DiskDevice(target: "vda")
        disk.source = directory + "/missing.qcow2"
        disk.driverType = "qcow2"
        disk.bus = "virtio"
        definition.devices.disks = [disk]
        let paths = QEMUProcess.Paths(runDirectory: directory, logDirectory: directory, name: "bench")
        let error = await #expect(throws: VirError.self) { try await QEMUProcess.launch(definition, capabilities: capabilities, paths: paths) }
        #expect(error?.code == .internalError, "\(error?.message ?? "")")
        #expect(error?.message.hasPrefix("internal error: qemu unexpectedly closed the monitor: ") == true)
        #expect(error?.message.contains("missing.qcow2") == true, "\(error?.message ?? "")")
        #expect(access(paths.monitor, F_OK) != 0)
    }
}
