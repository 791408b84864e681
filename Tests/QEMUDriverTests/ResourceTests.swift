import Foundation
import SwiftVirt
import Testing

/// Memory and vCPUs of running QEMUs: the balloon, vCPU hotplug and pinning, reported back
/// from QEMU and /proc, and kept in the definitions.
@Suite("qemu:///embed: memory, vCPUs and pinning", .enabled(if: RealQEMU.available, RealQEMU.why), .serialized)
struct ResourceTests {
    /// The guest with two vCPUs of four, and a virtio balloon.
    static func xml(_ name: String) throws -> String {
        try EmbeddedQEMU.guestXML(name) { definition in
            definition.vcpu.maximum = 4
            definition.vcpu.current = 2
            definition.devices.memballoon = MemballoonDevice(model: "virtio")
        }
    }

    @Test("vCPUs are QEMU's threads: pinned at start and live, counted, plugged in")
    func vcpus() async throws {
        try await EmbeddedQEMU.with { embedded, conn in
            let pinned = try Self.xml("vcpus").replacingOccurrences(of: "</vcpu>", with: "</vcpu><cputune><vcpupin vcpu='1' cpuset='0'/></cputune>")
            let domain = try await conn.defineDomain(xml: pinned)
            _ = try await domain.create()
            var vcpus = try await domain.vcpus()
            #expect(vcpus.count == 2)
            #expect(vcpus[1].affinity.cpus == [0], "pinned at start: \(vcpus[1].affinity.cpus)")
            try await domain.pinVcpu(0, cpumap: CPUMap.parse("1")!, flags: [.live, .config])
            vcpus = try await domain.vcpus()
            #expect(vcpus[0].affinity.cpus == [1])
            #expect(try await domain.definition(flags: .inactive).cputune.vcpuPins[0] == "1")
            #expect(try await domain.vcpuPinInfo(flags: .live)[0].cpus == [1])
            let outOfRange = await #expect(throws: VirError.self) { try await domain.pinVcpu(3, cpumap: CPUMap.parse("0")!, flags: .live) }
            #expect(outOfRange?.code == .invalidArg)

            try await domain.setVcpus(3, flags: .live)
            #expect(try await domain.vcpus().count == 3)
            #expect(try await domain.vcpuCount(flags: .live) == 3)
            #expect(try await domain.vcpuCount(flags: .config) == 2)
            let tooMany = await #expect(throws: VirError.self) { try await domain.setVcpus(5, flags: .live) }
            #expect(tooMany?.code == .invalidArg)
            // The boot-sector guest has no OS to take part in ACPI CPU unplug: QEMU refuses
            // it, and the domain keeps its three vCPUs.
            let unplug = await #expect(throws: VirError.self) { try await domain.setVcpus(2, flags: .live) }
            #expect(unplug?.message.contains("device_del") == true, "\(unplug?.message ?? "")")
            #expect(try await domain.vcpuCount(flags: .live) == 3)
            try await domain.setVcpus(4, flags: [.config, .maximum])
            try await domain.setVcpus(3, flags: .config)
            #expect(try await domain.vcpuCount(flags: .config) == 3)
            let maximumLive = await #expect(throws: VirError.self) { try await domain.setVcpus(4, flags: [.live, .maximum]) }
            #expect(maximumLive?.code == .invalidArg)
        }
    }

    @Test("memory: the balloon live, the config, and the maximum only while shut off")
    func memory() async throws {
        try await EmbeddedQEMU.with { embedded, conn in
            let domain = try await conn.defineDomain(xml: try Self.xml("balloon"))
            _ = try await domain.create()
            try await domain.setMemory(kib: 131072, flags: .live)
            #expect(try await domain.info().memory == 131072)
            let balloon = try await domain.qemuMonitorCommand(#"{"execute":"query-balloon"}"#)
            #expect(balloon.contains(#""actual""#), "\(balloon)")
            #expect(try await domain.definition(flags: .inactive).currentMemory == 262144)
            let tooMuch = await #expect(throws: VirError.self) { try await domain.setMemory(kib: 524288, flags: .live) }
            #expect(tooMuch?.code == .invalidArg)
            let maximum = await #expect(throws: VirError.self) { try await domain.setMaxMemory(kib: 524288) }
            #expect(maximum?.code == .operationInvalid)
            try await domain.setMemory(kib: 200000, flags: .config)
            #expect(try await domain.definition(flags: .inactive).currentMemory == 200000)
            try await domain.destroy()
            try await domain.setMaxMemory(kib: 131072)
            let config = try await domain.definition()
            #expect(config.memory == 131072 && config.currentMemory == 131072)

            let noBalloon = try await conn.createDomain(xml: try EmbeddedQEMU.guestXML("noballoon"))
            let refused = await #expect(throws: VirError.self) { try await noBalloon.setMemory(kib: 131072, flags: .live) }
            #expect(refused?.code == .operationInvalid)
        }
    }
}
