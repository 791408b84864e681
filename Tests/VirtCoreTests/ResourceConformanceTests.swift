import Testing
import SwiftVirt

@Suite("Conformance: memory and vcpus")
struct ResourceConformanceTests {
    @Test(arguments: ConformanceTarget.all)
    func memory(target: ConformanceTarget) async throws {
        try await target.withConnection { conn in
            let domain = try await conn.lookupDomain(name: "test")
            #expect(try await domain.maxMemory() == 8_388_608)
            try await domain.setMemory(kib: 1_048_576)
            #expect(try await domain.definition().currentMemory == 1_048_576)
            if target.reportsBalloon { #expect(try await domain.info().memory == 1_048_576) }
            await expectVirError(.invalidArg) { try await domain.setMemory(kib: 9_000_000) }
            await expectVirError(.invalidArg) { try await domain.setMemory(kib: 0) }
            await expectVirError(.overflow) { try await domain.setMemory(kib: UInt64.max) }
            await expectVirError(.operationInvalid) { try await domain.setMaxMemory(kib: 4_000_000) }
            await expectVirError(.invalidArg) { try await domain.setMemory(kib: 1024, flags: [.live, .config]) }
            #expect(try await domain.definition().currentMemory == 1_048_576, "a refused change changes nothing")

            let inactive = try await conn.defineDomain(xml: target.demoXML("mem"))
            try await inactive.setMaxMemory(kib: 32768)
            #expect(try await inactive.maxMemory() == 32768)
            #expect(try await inactive.info().memory == 32768)
            await expectVirError(.operationInvalid) { try await inactive.setMemory(kib: 1024) }
            try await inactive.setMemory(kib: 16384, flags: .config)
            #expect(try await inactive.info().memory == 16384)
        }
    }

    @Test(arguments: ConformanceTarget.all)
    func vcpus(target: ConformanceTarget) async throws {
        try await target.withConnection { conn in
            let domain = try await conn.lookupDomain(name: "test")
            #expect(try await domain.vcpuCount(flags: [.live, .maximum]) == 2)
            if target.features.contains(.liveVcpuUnplug) {
                try await domain.setVcpus(1)
                #expect(try await domain.info().virtualCPUs == 1)
                #expect(try await domain.vcpus().count == 1)
            } else {
                #expect(try await domain.vcpus().count == 2)
            }
            await expectVirError(.invalidArg) { try await domain.setVcpus(3) }
            await expectVirError(.invalidArg) { try await domain.setVcpus(0) }
            await expectVirError(.invalidArg) { try await domain.setVcpus(64) }
            await expectVirError(.invalidArg) { try await domain.setVcpus(2, flags: .maximum) }
            try await domain.setVcpus(4, flags: [.config, .maximum])
            #expect(try await domain.vcpuCount(flags: [.config, .maximum]) == 4)
            #expect(try await domain.vcpuCount(flags: [.live, .maximum]) == 2)

            let inactive = try await conn.defineDomain(xml: target.demoXML("cpus"))
            await expectVirError(.operationInvalid) { _ = try await inactive.vcpus() }
            await expectVirError(.operationInvalid) { try await inactive.setVcpus(1) }
            try await inactive.setVcpus(1, flags: .config)
            #expect(try await inactive.vcpuCount() == 1)
        }
    }

    @Test(arguments: ConformanceTarget.all)
    func pinning(target: ConformanceTarget) async throws {
        try await target.withConnection { conn in
            let domain = try await conn.lookupDomain(name: "test")
            let hostCPUs = try await conn.nodeCPUMap().cpus
            let last = hostCPUs - 1
            var map = CPUMap(cpus: hostCPUs)
            map.use(last)
            try await domain.pinVcpu(0, cpumap: map)
            let vcpus = try await domain.vcpus()
            #expect(vcpus[0].affinity.cpus == [last])
            #expect(vcpus[0].cpu == Int32(last))
            #expect(vcpus[1].affinity.cpus == (try await domain.vcpuPinInfo()[1].cpus), "unpinned: anywhere")
            #expect(vcpus[1].affinity.cpus.contains(last))
            #expect(try await domain.vcpuPinInfo()[0].cpus == [last])
            #expect(try await domain.xmlDescription().contains("<vcpupin vcpu='0' cpuset='\(last)'/>"))
            #expect(try await !domain.xmlDescription(flags: .inactive).contains("vcpupin"))
            // maplen rules: a short map is zero-extended, vcpus() cuts maps to maplen.
            try await domain.pinVcpu(1, cpumap: CPUMap(bytes: [0x01]))
            #expect(try await domain.vcpus(mapLength: 1)[1].affinity.bytes == [0x01])
            #expect(try await domain.vcpus(maxInfo: 1).count == 1)
            #expect(try await domain.vcpus(mapLength: 3)[0].affinity.bytes == map.resized(to: 3).bytes)
            await expectVirError(.invalidArg) { try await domain.pinVcpu(0, cpumap: CPUMap(bytes: [])) }
            await expectVirError(.invalidArg) { try await domain.pinVcpu(7, cpumap: map) }
            await expectVirError(.invalidArg) { _ = try await domain.vcpus(maxInfo: 0) }
            await expectVirError(.invalidArg) { _ = try await domain.vcpus(mapLength: 0) }
            await expectVirError(.overflow) { try await domain.pinVcpu(1 << 20, cpumap: map) }
        }
    }

    @Test func cpuMapHelpers() {
        #expect(CPUMap.length(forCPUs: 0) == 0)
        #expect(CPUMap.length(forCPUs: 8) == 1)
        #expect(CPUMap.length(forCPUs: 9) == 2)
        var map = CPUMap(cpus: 16)
        map.use(0)
        map.use(9)
        #expect(map.isUsable(9) && !map.isUsable(8))
        map.unuse(9)
        #expect(!map.isUsable(9))
        map.use(20)
        #expect(map.bytes.count == 3)
        let rows: [UInt8] = [0x01, 0x00, 0xff, 0x80]
        #expect(CPUMap.row(1, of: rows, mapLength: 2).bytes == [0xff, 0x80])
        #expect(CPUMap.row(2, of: rows, mapLength: 2).bytes == [])
        #expect(CPUMap.parse("0-3,^2,6")?.cpus == [0, 1, 3, 6])
        #expect(CPUMap.parse("3-1") == nil)
        #expect(CPUMap.parse("a") == nil)
        #expect(CPUMap.parse("") == nil)
        #expect(CPUMap.format([0, 1, 2, 5, 7, 8]) == "0-2,5,7-8")
    }
}
