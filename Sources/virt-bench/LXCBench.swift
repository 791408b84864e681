import Foundation
import SwiftVirt
import VirtContexts

/// `virt-bench lxc`: `lxc:///embed` against libvirt's LXC driver, crun and lxc-execute, in
/// one run, with the same application container: the host's filesystem, `/bin/sh -c
/// 'sleep 1000'` as init, 64 MiB, one pty console, no interface. Needs root and
/// scripts/install-test-deps. `SWIFTVIRT_BENCH_MANY` changes the size of the many-containers
/// run (default 1000); `SWIFTVIRT_BENCH_NOTES` prints what each reference figure measures.
enum LXCBench {
    static let rounds = 50
    static let memoryContainers = 100
    static let batch = 50

    static func xml(_ name: String) -> String {
        """
        <domain type='lxc'><name>\(name)</name><memory unit='MiB'>64</memory>\
        <os><type>exe</type><init>/bin/sh</init><initarg>-c</initarg><initarg>sleep 1000</initarg></os>\
        <devices><console type='pty'/></devices></domain>
        """
    }

    static func run() async throws {
        let many = ProcessInfo.processInfo.environment["SWIFTVIRT_BENCH_MANY"].flatMap(Int.init) ?? 1000
        let swift = try await measureSwiftVirt(many: many)
        FileHandle.standardError.write(Data("SwiftVirt measured: \(swift)\n".utf8))
        let (libvirt, lxc, notes) = try ReferenceScripts.lxc(rounds: rounds, containers: batch)
        let crun = try ReferenceScripts.crun("detach", rounds: rounds)
        Comparison.printTable("lxc (medians of \(rounds); host filesystem, /bin/sh -c 'sleep 1000', 64 MiB, pty console)", [
            Comparison(name: "createXML -> running vs libvirt LXC", unit: "ms", swiftVirt: swift.create, reference: libvirt["create_ms"] ?? .nan, higherIsBetter: false, target: "< 3 ms, >= 10x"),
            Comparison(name: "createXML -> running vs crun run --detach", unit: "ms", swiftVirt: swift.create, reference: crun["create_ms"] ?? .nan, higherIsBetter: false, target: ">= 2x"),
            Comparison(name: "createXML -> running vs lxc-start -d + lxc-wait", unit: "ms", swiftVirt: swift.create, reference: lxc["start_to_running_ms"] ?? .nan, higherIsBetter: false, target: ""),
            Comparison(name: "destroy vs libvirt LXC", unit: "ms", swiftVirt: swift.destroy, reference: libvirt["destroy_ms"] ?? .nan, higherIsBetter: false, target: "< 5 ms"),
            Comparison(name: "destroy vs crun delete --force", unit: "ms", swiftVirt: swift.destroy, reference: crun["destroy_ms"] ?? .nan, higherIsBetter: false, target: ""),
            Comparison(name: "destroy vs lxc-stop -k", unit: "ms", swiftVirt: swift.destroy, reference: lxc["stop_k_ms"] ?? .nan, higherIsBetter: false, target: ""),
            Comparison(name: "suspend vs libvirt LXC", unit: "ms", swiftVirt: swift.suspend, reference: libvirt["suspend_ms"] ?? .nan, higherIsBetter: false, target: ""),
            Comparison(name: "resume vs libvirt LXC", unit: "ms", swiftVirt: swift.resume, reference: libvirt["resume_ms"] ?? .nan, higherIsBetter: false, target: ""),
            Comparison(name: "host memory per running container vs libvirt", unit: "KiB", swiftVirt: swift.memoryKiB, reference: libvirt["mem_per_container_kib"] ?? .nan, higherIsBetter: false, target: "<= 512 KiB"),
            Comparison(name: "\(batch) containers started vs libvirt LXC", unit: "s", swiftVirt: swift.batch, reference: libvirt["start_K_s"] ?? .nan, higherIsBetter: false, target: ""),
        ])
        print(String(format: "%d containers running at once: started in %.2f s (target < 10 s), all destroyed in %.2f s", many, swift.many, swift.manyDestroy))
        print("host memory per container: the drop of MemAvailable over \(memoryContainers) containers, SwiftVirt; over \(batch), libvirt")
        print(String(format: "lxc-execute of /bin/true: %.2f ms; LXC memory per container: %.0f KiB", lxc["execute_true_ms"] ?? .nan, lxc["mem_per_container_kib"] ?? .nan))
        if ProcessInfo.processInfo.environment["SWIFTVIRT_BENCH_NOTES"] != nil { for note in notes { print("reference: \(note)") } }
    }

    struct SwiftVirtFigures {
        var create = 0.0, destroy = 0.0, suspend = 0.0, resume = 0.0, memoryKiB = 0.0, batch = 0.0, many = 0.0, manyDestroy = 0.0
    }

    static func measureSwiftVirt(many: Int) async throws -> SwiftVirtFigures {
        let root = ContextSystem.runBase + "/bench-lxc-\(UUID().uuidString)"
        let connection = try await Connection.open("lxc:///embed?root=\(root)")
        defer { removeEverything(under: root) }
        var figures = SwiftVirtFigures()
        (figures.create, figures.destroy) = try await Bench.createAndDestroy(xml("bench-cd"), on: connection, rounds: rounds, warmup: 5)
        let paused = try await connection.createDomain(xml: xml("bench-pause"))
        (figures.suspend, figures.resume) = try await Bench.suspendAndResume(paused, rounds: 20)
        try await paused.destroy()

        let before = LocalHost.memoryInfoKiB("MemAvailable")
        let held = try await start(memoryContainers, named: "bench-mem", on: connection).domains
        try await Task.sleep(for: .seconds(1))
        figures.memoryKiB = (Double(before) - Double(LocalHost.memoryInfoKiB("MemAvailable"))) / Double(memoryContainers)
        for domain in held { try await domain.destroy() }

        let (batchDomains, batchTime) = try await start(batch, named: "bench-batch", on: connection)
        figures.batch = batchTime
        for domain in batchDomains { try await domain.destroy() }

        let (manyDomains, manyTime) = try await start(many, named: "bench-many", on: connection)
        figures.many = manyTime
        let clock = ContinuousClock()
        let destroyStart = clock.now
        for domain in manyDomains { try await domain.destroy() }
        figures.manyDestroy = Bench.seconds(clock.now - destroyStart)
        await connection.close()
        return figures
    }

    /// Starts `count` containers one after another; returns them and the wall time.
    static func start(_ count: Int, named prefix: String, on connection: Connection) async throws -> (domains: [Domain], seconds: Double) {
        var domains: [Domain] = []
        domains.reserveCapacity(count)
        let clock = ContinuousClock()
        let start = clock.now
        do {
            for index in 0..<count { domains.append(try await connection.createDomain(xml: xml("\(prefix)-\(index)"))) }
        } catch {
            for domain in domains { try? await domain.destroy() }
            throw error
        }
        return (domains, Bench.seconds(clock.now - start))
    }

    /// Ends every container of `root` and removes it, even after a failed measurement.
    static func removeEverything(under root: String) {
        (try? ContextSystem(root: root + "/contexts"))?.destroyEverything()
        try? FileManager.default.removeItem(atPath: root)
    }
}
