import Foundation
import SwiftVirt
import TestSupport
import Testing

/// A loop device of the test's own over a sparse file, detached and removed afterwards, so
/// that I/O settings never touch the host's disks.
final class TestLoopDevice {
    let path: String
    private let backingFile = "/tmp/swiftvirt-loop-\(UUID().uuidString)"

    init() throws {
        try #require(FileManager.default.createFile(atPath: backingFile, contents: nil))
        try #require(truncate(backingFile, 16 << 20) == 0)
        let attached = try runTool(["/usr/sbin/losetup", "--find", "--show", backingFile])
        guard attached.status == 0 else {
            unlink(backingFile)
            throw LoopSetupFailure(output: attached.output)
        }
        path = attached.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    deinit {
        _ = try? runTool(["/usr/sbin/losetup", "--detach", path])
        unlink(backingFile)
    }

    /// The device's `MAJOR:MINOR`, as cgroup files name it.
    var number: String {
        get throws {
            try String(contentsOfFile: "/sys/block/\(URL(fileURLWithPath: path).lastPathComponent)/dev", encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// Selects the device's I/O scheduler, e.g. `bfq` or `none`.
    func setScheduler(_ name: String) throws {
        try name.write(toFile: "/sys/block/\(URL(fileURLWithPath: path).lastPathComponent)/queue/scheduler", atomically: false, encoding: .utf8)
    }

    struct LoopSetupFailure: Error { let output: String }
}

@Suite("LXC <blkiotune> devices", .enabled(if: canRunContainers, "needs root, namespaces and cgroups"))
struct LXCBlockIOTests {
    private func tuned(_ sandbox: LXCSandbox, _ name: String, path: String, settings: String) -> String {
        sandbox.xml(name).replacingOccurrences(
            of: "</os>", with: "</os><blkiotune><device><path>\(path)</path>\(settings)</device></blkiotune>")
    }

    @Test func perDeviceWeightAndThrottlesAreTheContainersBlkioCgroup() async throws {
        let loop = try TestLoopDevice()
        try loop.setScheduler("bfq")
        let sandbox = LXCSandbox()
        let connection = try await sandbox.open()
        let settings = """
            <weight>700</weight><read_iops_sec>40</read_iops_sec><write_iops_sec>30</write_iops_sec>\
            <read_bytes_sec>1048576</read_bytes_sec><write_bytes_sec>524288</write_bytes_sec>
            """
        let domain = try await connection.createDomain(xml: tuned(sandbox, "blkio", path: loop.path, settings: settings))
        let xid = try await sandbox.context(of: domain).xid
        func lines(_ file: String) throws -> [String] {
            try String(contentsOfFile: "/sys/fs/cgroup/blkio/swiftvirt/ctx-\(xid)/\(file)", encoding: .utf8)
                .split(separator: "\n").map(String.init)
        }
        let device = try loop.number
        #expect(try lines("blkio.bfq.weight_device").contains("\(device) 700"))
        #expect(try lines("blkio.throttle.read_iops_device") == ["\(device) 40"])
        #expect(try lines("blkio.throttle.write_iops_device") == ["\(device) 30"])
        #expect(try lines("blkio.throttle.read_bps_device") == ["\(device) 1048576"])
        #expect(try lines("blkio.throttle.write_bps_device") == ["\(device) 524288"])
        let running = try await domain.definition()
        #expect(running.blkiotune.devices.map(\.path) == [loop.path])
        #expect(running.blkiotune.devices.first?.readIopsSec == 40)
        try await domain.destroy()
    }

    @Test func aDeviceThatCannotBeTunedFailsTheStartAndChangesNothing() async throws {
        let loop = try TestLoopDevice()
        try loop.setScheduler("none")
        let sandbox = LXCSandbox()
        let connection = try await sandbox.open()
        let refused: [(path: String, settings: String, code: ErrorCode, message: String)] = [
            ("/dev/nonexistent-swiftvirt", "<read_iops_sec>10</read_iops_sec>", .systemError,
             "Path '/dev/nonexistent-swiftvirt' is not accessible: No such file or directory"),
            ("/dev/null", "<weight>500</weight>", .systemError, "Path '/dev/null' must be a block device"),
            (loop.path, "<weight>500</weight>", .operationUnsupported, "its I/O scheduler is neither BFQ nor CFQ"),
        ]
        for (index, bad) in refused.enumerated() {
            let domain = try await connection.defineDomain(xml: tuned(sandbox, "refused\(index)", path: bad.path, settings: bad.settings))
            do throws(VirError) {
                try await domain.create()
                Issue.record("\(bad.path) was accepted")
            } catch {
                #expect(error.code == bad.code)
                #expect(error.message.contains(bad.message), "\(error.message)")
            }
            #expect(try await domain.info().state == .shutoff)
            #expect(try await domain.definition().blkiotune.devices.map(\.path) == [bad.path])
        }
        #expect(try await connection.listAllDomains(flags: .active).isEmpty)
    }
}
