import Testing
import VirtError
@testable import VirtSystem

@Suite("cgroup value validation")
struct CgroupValueTests {
    @Test func paths() throws {
        #expect(try CgroupPath("/swiftvirt/ctx-42/").components == ["swiftvirt", "ctx-42"])
        #expect(try CgroupPath("").components.isEmpty)
        for bad in ["a//b", "../x", "a/./b", "a/..", "a\nb", "a\0b", String(repeating: "x", count: 256)] {
            #expect(throws: VirError.self) { try CgroupPath(bad) }
        }
    }

    @Test func sharesMapToV2WeightsAsRuncDoes() throws {
        #expect(try CPUShares(2).v2Weight == 1)
        #expect(try CPUShares(1024).v2Weight == 39)
        #expect(try CPUShares(262_144).v2Weight == 10_000)
        #expect(try CPUShares(v2Weight: 39).shares == 999)
        #expect(try CPUShares(v2Weight: 39).v2Weight == 39)
        #expect(try CPUShares(v2Weight: 10_000).shares == 262_144)
        for bad: UInt64 in [0, 1, 262_145] {
            #expect(cgroupError { _ = try CPUShares(bad) }?.code == .invalidArg)
        }
        #expect(throws: VirError.self) { try CPUShares(v2Weight: 0) }
    }

    @Test func quotas() throws {
        #expect(try CPUQuota(quota: nil).period == 100_000)
        #expect(throws: VirError.self) { try CPUQuota(quota: 999, period: 100_000) }
        #expect(throws: VirError.self) { try CPUQuota(quota: 50_000, period: 999) }
        #expect(throws: VirError.self) { try CPUQuota(quota: 50_000, period: 1_000_001) }
        #expect(throws: VirError.self) { try CPUQuota(quota: UInt64.max, period: 100_000) }
    }

    @Test func cpuLists() throws {
        for good in ["0", "0-3", "0-3,5,7-8", "1-1"] { #expect(try CPUList(good).description == good) }
        for bad in ["", "3-1", "a", "0,", ",1", "1-2-3", "-1", "0 - 1", "１"] {
            #expect(cgroupError { _ = try CPUList(bad) }?.code == .invalidArg, "\(bad)")
        }
    }

    @Test func deviceRules() throws {
        #expect(try DeviceRule(.char, major: 1, minor: 3, access: "mwr").description == "c 1:3 rwm")
        #expect(try DeviceRule(.block, major: 8, minor: nil, access: "r").description == "b 8:* r")
        #expect(DeviceRule.everything.description == "a")
        for bad in ["", "x", "rr", "rwmx"] {
            #expect(throws: VirError.self) { try DeviceRule(.char, major: 1, minor: 3, access: bad) }
        }
    }

    @Test func limits() throws {
        #expect(try CgroupLimit(nil, what: "x").text(unlimited: "max") == "max")
        #expect(try CgroupLimit(Int64.max, what: "x").text(unlimited: "-1") == "\(Int64.max)")
        let error = cgroupError { _ = try CgroupLimit(0, what: "memory limit") }
        #expect(error?.message == "invalid argument: memory limit must be greater than 0 (or unlimited), got 0")
        #expect(error?.domain == .cgroup)
    }
}
