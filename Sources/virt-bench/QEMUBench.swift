import Foundation
import SwiftVirt

/// `virt-bench qemu`: `qemu:///embed` against libvirt's QEMU driver (a private libvirtd
/// under a child subreaper, scripts/reference/qemu_reference.py) and raw QEMU over QMP, in
/// one run, on the same guest: KVM, 256 MiB, SeaBIOS, a serial console, no disk. Snapshot
/// create, revert and delete are measured on that guest, shut off, with one 16 MiB qcow2
/// disk, against libvirt and against the qemu-img commands underneath. The figures that
/// targets bound as ratios (monitor pass-through against raw QMP, snapshots against
/// qemu-img) are measured interleaved, round by round, so that both sides see the same
/// moments of a noisy machine. Needs root, /dev/kvm and scripts/install-test-deps.
enum QEMUBench {
    static let rounds = 20

    /// The guest, with `{name}` where its name goes (the reference script's convention).
    static let xmlTemplate = """
        <domain type='kvm'><name>{name}</name><memory unit='KiB'>262144</memory><vcpu>1</vcpu>\
        <os><type arch='x86_64' machine='pc'>hvm</type></os>\
        <devices><emulator>/usr/bin/qemu-system-x86_64</emulator>\
        <serial type='pty'><target port='0'/></serial><console type='pty'><target type='serial' port='0'/></console>\
        <memballoon model='none'/></devices></domain>
        """

    static func xml(_ name: String) -> String { xmlTemplate.replacingOccurrences(of: "{name}", with: name) }

    /// The guest with a qcow2 disk at `image`, for the snapshot figures.
    static func xml(_ name: String, disk image: String) -> String {
        xml(name).replacingOccurrences(of: "<serial ", with: "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
            + "<source file='\(image)'/><target dev='vda' bus='virtio'/></disk><serial ")
    }

    static func run() async throws {
        let swift = try await measureSwiftVirt()
        FileHandle.standardError.write(Data("SwiftVirt measured: \(swift)\n".utf8))
        let template = FileManager.default.temporaryDirectory.appendingPathComponent("swiftvirt-qemu-bench-\(UUID().uuidString).xml").path
        try xmlTemplate.write(toFile: template, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: template) }
        let output = try Bench.capture(["/usr/bin/python3", try ReferenceScripts.script("qemu_reference.py"), template, "\(rounds)"])
        guard let object = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any] else {
            throw BenchError.commandFailed("qemu_reference.py printed \(output)", 0)
        }
        func numbers(_ key: String) -> [String: Double] {
            ((object[key] as? [String: Any]) ?? [:]).compactMapValues { ($0 as? NSNumber)?.doubleValue }
        }
        let libvirt = numbers("libvirt"), raw = numbers("raw")
        Comparison.printTable("qemu (medians of \(rounds); KVM, 256 MiB, SeaBIOS, serial console, no disk)", [
            Comparison(name: "createXML -> running vs libvirt QEMU", unit: "ms", swiftVirt: swift.create, reference: libvirt["create_ms"] ?? .nan, higherIsBetter: false, target: "< 60 ms, >= 5x"),
            Comparison(name: "createXML -> running vs raw QEMU + QMP cont", unit: "ms", swiftVirt: swift.create, reference: raw["start_to_running_ms"] ?? .nan, higherIsBetter: false, target: ""),
            Comparison(name: "destroy vs libvirt QEMU", unit: "ms", swiftVirt: swift.destroy, reference: libvirt["destroy_ms"] ?? .nan, higherIsBetter: false, target: "< 25 ms"),
            Comparison(name: "destroy vs raw QMP quit until exit", unit: "ms", swiftVirt: swift.destroy, reference: raw["quit_ms"] ?? .nan, higherIsBetter: false, target: ""),
            Comparison(name: "suspend vs libvirt QEMU", unit: "ms", swiftVirt: swift.suspend, reference: libvirt["suspend_ms"] ?? .nan, higherIsBetter: false, target: ""),
            Comparison(name: "resume vs libvirt QEMU", unit: "ms", swiftVirt: swift.resume, reference: libvirt["resume_ms"] ?? .nan, higherIsBetter: false, target: ""),
            Comparison(name: "monitor query-status vs libvirt QEMU", unit: "ms", swiftVirt: swift.monitor, reference: libvirt["monitor_query_status_ms"] ?? .nan, higherIsBetter: false, target: ""),
            Comparison(name: "monitor query-status vs raw QMP, interleaved", unit: "ms", swiftVirt: swift.monitor, reference: swift.rawMonitor, higherIsBetter: false, target: ">= 0.77x (within 1.3x)"),
            Comparison(name: "save (running, 256 MiB) vs libvirt QEMU", unit: "ms", swiftVirt: swift.save, reference: libvirt["save_ms"] ?? .nan, higherIsBetter: false, target: ""),
            Comparison(name: "restore vs libvirt QEMU", unit: "ms", swiftVirt: swift.restore, reference: libvirt["restore_ms"] ?? .nan, higherIsBetter: false, target: ""),
        ] + ["create", "revert", "delete"].enumerated().flatMap { index, name in [
            Comparison(name: "snapshot \(name) (shut off, qcow2) vs libvirt QEMU", unit: "ms", swiftVirt: swift.snapshot[index],
                       reference: libvirt["snapshot_\(name)_ms"] ?? .nan, higherIsBetter: false, target: ""),
            Comparison(name: "snapshot \(name) vs qemu-img snapshot \(snapshotFlags[index]), interleaved", unit: "ms", swiftVirt: swift.snapshot[index],
                       reference: swift.qemuImg[index], higherIsBetter: false, target: ">= 0.83x (within 1.2x)"),
        ] })
    }

    /// qemu-img's flags for snapshot create, revert and delete.
    static let snapshotFlags = ["-c", "-a", "-d"]

    struct SwiftVirtFigures {
        var create = 0.0, destroy = 0.0, suspend = 0.0, resume = 0.0, monitor = 0.0
        /// query-status of the raw QMP client, between SwiftVirt's.
        var rawMonitor = 0.0
        /// Snapshot create, revert and delete, and the qemu-img commands between them.
        var snapshot: [Double] = [], qemuImg: [Double] = []
        /// Save and restore of the running guest.
        var save = 0.0, restore = 0.0
    }

    static func measureSwiftVirt() async throws -> SwiftVirtFigures {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("swiftvirt-qemu-bench-\(UUID().uuidString)").path
        let connection = try await Connection.open("qemu:///embed?root=\(root)")
        var figures = SwiftVirtFigures()
        do {
            figures = try await measure(on: connection)
            (figures.snapshot, figures.qemuImg) = try await measureSnapshots(on: connection, in: root)
        } catch {
            for domain in (try? await connection.listAllDomains(flags: .active)) ?? [] { try? await domain.destroy() }
            await connection.close()
            try? FileManager.default.removeItem(atPath: root)
            throw error
        }
        await connection.close()
        try? FileManager.default.removeItem(atPath: root)
        return figures
    }

    private static func measure(on connection: Connection) async throws -> SwiftVirtFigures {
        var figures = SwiftVirtFigures()
        (figures.create, figures.destroy) = try await Bench.createAndDestroy(xml("bench-cd"), on: connection, rounds: rounds, warmup: 3)
        let domain = try await connection.createDomain(xml: xml("bench-sr"))
        (figures.suspend, figures.resume) = try await Bench.suspendAndResume(domain, rounds: rounds)
        (figures.monitor, figures.rawMonitor) = try await monitorMedians(domain)
        let saved = FileManager.default.temporaryDirectory.appendingPathComponent("swiftvirt-qemu-bench-\(UUID().uuidString).save").path
        defer { try? FileManager.default.removeItem(atPath: saved) }
        let saveAndRestore = try await Bench.phaseMedians(rounds: 5, warmup: 1, [
            { _ in try await domain.save(to: saved) },
            { _ in try await connection.restoreDomain(from: saved) },
        ])
        (figures.save, figures.restore) = (saveAndRestore[0], saveAndRestore[1])
        try await domain.destroy()
        return figures
    }

    /// The medians, in milliseconds, of `query-status` through `domain`'s
    /// `virDomainQemuMonitorCommand` and through the raw client, in alternating blocks of
    /// ten, once both guests have settled; the first block of each is a warm-up.
    private static func monitorMedians(_ domain: Domain) async throws -> (swiftVirt: Double, raw: Double) {
        let raw = try RawQMPRounds()
        defer { raw.finish() }
        try await Bench.waitUntilIdle(domain)
        var swiftVirt: [Double] = [], reference: [Double] = []
        let clock = ContinuousClock()
        for block in 0...rounds {
            var times: [Double] = []
            for _ in 0..<10 {
                let start = clock.now
                _ = try await domain.qemuMonitorCommand(#"{"execute":"query-status"}"#)
                times.append(Bench.seconds(clock.now - start))
            }
            let rawTimes = try raw.roundTrips(10)
            if block > 0 {
                swiftVirt += times
                reference += rawTimes
            }
        }
        return (Bench.medianOf(swiftVirt) * 1000, Bench.medianOf(reference) * 1000)
    }

    /// Snapshot create, revert and delete of a shut-off domain with a qcow2 disk, each
    /// followed by the qemu-img command underneath on an image of its own; the medians, in
    /// milliseconds, of both.
    private static func measureSnapshots(on connection: Connection, in root: String) async throws -> (swiftVirt: [Double], qemuImg: [Double]) {
        let image = root + "/bench.qcow2", rawImage = root + "/raw.qcow2"
        for path in [image, rawImage] {
            let made = Bench.spawnAndWait(["/usr/bin/qemu-img", "create", "-q", "-f", "qcow2", path, "16M"])
            guard made.status == 0 else { throw BenchError.commandFailed("qemu-img create", made.status) }
        }
        let domain = try await connection.defineDomain(xml: xml("bench-snap", disk: image))
        var snapshot: DomainSnapshot? = nil
        let operations: [(Int) async throws -> Void] = [
            { round in snapshot = try await domain.createSnapshot(xml: "<domainsnapshot><name>s\(round)</name></domainsnapshot>") },
            { _ in try await snapshot?.revert() },
            { _ in try await snapshot?.delete() },
        ]
        let medians = try await Bench.phaseMedians(rounds: rounds, warmup: 3, operations.enumerated().flatMap { index, operation in [
            operation,
            { round in
                let run = Bench.spawnAndWait(["/usr/bin/qemu-img", "snapshot", snapshotFlags[index], "s\(round)", rawImage])
                guard run.status == 0 else { throw BenchError.commandFailed("qemu-img snapshot \(snapshotFlags[index])", run.status) }
            },
        ] })
        try await domain.undefine(flags: .snapshotsMetadata)
        return (stride(from: 0, to: 6, by: 2).map { medians[$0] }, stride(from: 1, to: 6, by: 2).map { medians[$0] })
    }
}
