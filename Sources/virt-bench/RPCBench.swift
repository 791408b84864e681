import Foundation
import SwiftVirt

#if canImport(Glibc)
import Glibc
#endif

/// `virt-bench rpc` (as root): virtd against a private libvirtd 9.0, both serving the test
/// driver over `test+unix`, in one run (one daemon after the other). Each daemon runs on CPU 0 and its clients on CPU 1
/// (and once more, 8 clients on both CPUs),
/// the same for both: python3-libvirt (1 and 8 client processes, open+close), SwiftVirt's
/// remote driver, start-up time and resident memory, idle and with 1000 connections.
enum RPCBench {
    static let calls = 20_000, rounds = 5, parallelClients = 8, burstCalls = 10_000, openCloses = 500, idleConnections = 1000

    static func run() async throws {
        guard getuid() == 0 else { throw BenchError.missing("root (libvirtd runs as root)") }
        raiseDescriptorLimit()
        _ = Bench.spawnAndWait(["/usr/bin/taskset", "-a", "-p", "-c", "1", "\(getpid())"])  // this process: the clients' CPU

        var startups: [BenchDaemon.Kind: [Double]] = [:]
        var idle: [BenchDaemon.Kind: [Double]] = [:]
        for _ in 0..<rounds {
            for kind in [BenchDaemon.Kind.virtd, .libvirtd] {
                let daemon = try BenchDaemon(kind)
                startups[kind, default: []].append(daemon.startup)
                try await Task.sleep(for: .milliseconds(300))  // settled: what it keeps when nobody calls
                idle[kind, default: []].append(daemon.residentKiB)
                await daemon.stop()
            }
        }

        var figures: [BenchDaemon.Kind: [String: Double]] = [:]
        for kind in [BenchDaemon.Kind.virtd, .libvirtd] {
            let daemon = try BenchDaemon(kind)
            do {
                figures[kind] = try await measure(daemon)
            } catch {
                await daemon.stop()
                throw error
            }
            await daemon.stop()
        }
        let roundTrip = CPURoundTrip.measure()
        let ours = figures[.virtd] ?? [:], theirs = figures[.libvirtd] ?? [:]
        func row(_ name: String, _ key: String, _ unit: String, scale: Double = 1, higherIsBetter: Bool, _ target: String) -> Comparison {
            Comparison(name: name, unit: unit, swiftVirt: (ours[key] ?? .nan) * scale, reference: (theirs[key] ?? .nan) * scale,
                       higherIsBetter: higherIsBetter, target: target)
        }
        Comparison.printTable("rpc: virtd vs libvirtd 9.0, test+unix, daemon on CPU 0, clients on CPU 1 (medians)", [
            row("info(), python3-libvirt, 1 client", "rate", "/s", higherIsBetter: true, ">= 2.5x"),
            row("info() p50, python3-libvirt", "p50", "us", higherIsBetter: false, ""),
            row("info() p99, python3-libvirt", "p99", "us", higherIsBetter: false, "virtd p99 <= libvirtd p50"),
            row("daemon CPU per info(), 1 client", "daemonCPU", "us", higherIsBetter: false, ""),
            row("info(), 1 client on the daemon's CPU 0", "sameCPURate", "/s", higherIsBetter: true, ""),
            row("info() p99, 1 client on the daemon's CPU 0", "sameCPUp99", "us", higherIsBetter: false, ""),
            row("info(), python3-libvirt, \(parallelClients) processes", "parallel", "/s", higherIsBetter: true, ">= 2.5x"),
            row("info(), \(parallelClients) processes on CPUs 0 and 1", "parallelBothCPUs", "/s", higherIsBetter: true, ""),
            row("open+close, python3-libvirt", "openclose", "ms", higherIsBetter: false, "virtd < 0.3 ms"),
            row("info(), SwiftVirt remote driver, 1 client", "remoteRate", "/s", higherIsBetter: true, ""),
            row("info() p99, SwiftVirt remote driver", "remoteP99", "us", higherIsBetter: false, ""),
            row("open+close, SwiftVirt remote driver", "remoteOpenClose", "ms", higherIsBetter: false, ""),
            Comparison(name: "usable after start", unit: "ms", swiftVirt: Bench.medianOf(startups[.virtd] ?? []) * 1000,
                       reference: Bench.medianOf(startups[.libvirtd] ?? []) * 1000, higherIsBetter: false, target: "virtd <= 50 ms"),
            Comparison(name: "idle RSS", unit: "MiB", swiftVirt: Bench.medianOf(idle[.virtd] ?? []) / 1024,
                       reference: Bench.medianOf(idle[.libvirtd] ?? []) / 1024, higherIsBetter: false, target: "virtd <= 15 MiB"),
            row("RSS with \(idleConnections) idle connections", "idleConnections", "MiB", scale: 1.0 / 1024, higherIsBetter: false, "virtd < 50 MiB"),
        ])
        print("p99 of virtd against p50 of libvirtd (python3-libvirt): \(String(format: "%.0f", ours["p99"] ?? .nan)) us vs "
              + "\(String(format: "%.0f", theirs["p50"] ?? .nan)) us")
        print(String(format: "floor, 1 client: a bare round trip between CPU 1 and a sleeping CPU 0 takes %.1f us here, so a daemon "
                     + "that sleeps between calls answers at most %.0f calls/s", roundTrip * 1e6, 1 / roundTrip))
        for (kind, measured) in [("virtd", ours), ("libvirtd", theirs)] {
            let perCall = measured["parallelClientCPU"] ?? .nan
            print(String(format: "ceiling, \(parallelClients) clients against \(kind): the clients alone use %.1f us of CPU 1 per call, "
                         + "so they make at most %.0f calls/s", perCall, 1e6 / perCall))
        }
    }

    /// Everything measured against one running daemon.
    private static func measure(_ daemon: BenchDaemon) async throws -> [String: Double] {
        let cpuBefore = daemon.cpuSeconds
        var measured = try python(["info", daemon.uri, "\(calls)", "\(rounds)"])
        measured["daemonCPU"] = (daemon.cpuSeconds - cpuBefore) / Double(calls * rounds) * 1e6
        let sameCPU = try python(["info", daemon.uri, "\(calls)", "\(rounds)"], cpu: 0)
        measured["sameCPURate"] = sameCPU["rate"]
        measured["sameCPUp99"] = sameCPU["p99"]
        measured.merge(try python(["openclose", daemon.uri, "\(openCloses)"])) { $1 }
        let (parallel, clientCPU) = try parallelRate(daemon.uri, cpus: "1")
        measured["parallel"] = parallel
        measured["parallelClientCPU"] = clientCPU
        measured["parallelBothCPUs"] = try parallelRate(daemon.uri, cpus: "0,1").rate
        measured.merge(try await remoteDriver(daemon.uri)) { $1 }
        measured["idleConnections"] = try await residentWithIdleConnections(daemon)
        return measured
    }

    /// The figures `rpc_client.py ARGUMENTS` prints, run on `cpu` (the clients' CPU unless told).
    private static func python(_ arguments: [String], cpu: Int = 1) throws -> [String: Double] {
        try ReferenceScripts.figures(Bench.capture(["/usr/bin/taskset", "-c", "\(cpu)", "/usr/bin/python3", try ReferenceScripts.script("rpc_client.py")]
                                                   + arguments))
    }

    /// The calls per second of ``parallelClients`` python3-libvirt processes together, from
    /// the first start to the last end, and the CPU time they used per call (microseconds),
    /// run on `cpus` (a taskset list).
    private static func parallelRate(_ uri: String, cpus: String) throws -> (rate: Double, clientCPU: Double) {
        let script = try ReferenceScripts.script("rpc_client.py")
        let clients = (0..<parallelClients).map { _ in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/taskset")
            process.arguments = ["-c", cpus, "/usr/bin/python3", script, "burst", uri, "\(burstCalls)"]
            let output = Pipe()
            process.standardOutput = output
            return (process, output)
        }
        for (process, _) in clients { try process.run() }
        let reports = try clients.map { process, output in
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return try ReferenceScripts.figures(String(decoding: data, as: UTF8.self))
        }
        let start = reports.compactMap { $0["start"] }.min() ?? .nan, end = reports.compactMap { $0["end"] }.max() ?? .nan
        let calls = reports.compactMap { $0["calls"] }.reduce(0, +)
        return (calls / (end - start), reports.compactMap { $0["cpu"] }.reduce(0, +) / calls * 1e6)
    }

    /// SwiftVirt's remote driver as the client: info() rate (median of rounds), its p99 over
    /// every call, and open+close.
    private static func remoteDriver(_ uri: String) async throws -> [String: Double] {
        let connection = try await Connection.open(uri)
        let domain = try await connection.lookupDomain(name: "test")
        let clock = ContinuousClock()
        var latencies: [Double] = []
        latencies.reserveCapacity(calls * rounds)
        var rates: [Double] = []
        for _ in 0..<rounds {
            let start = clock.now
            for _ in 0..<calls {
                let before = clock.now
                _ = try await domain.info()
                latencies.append(Bench.seconds(clock.now - before))
            }
            rates.append(Double(calls) / Bench.seconds(clock.now - start))
        }
        await connection.close()
        let openClose = try await Bench.median(rounds: openCloses) { await (try await Connection.open(uri)).close() }
        latencies.sort()
        return ["remoteRate": Bench.medianOf(rates), "remoteP99": latencies[latencies.count * 99 / 100] * 1e6, "remoteOpenClose": openClose * 1000]
    }

    /// The daemon's resident KiB while ``idleConnections`` connections are open and silent.
    private static func residentWithIdleConnections(_ daemon: BenchDaemon) async throws -> Double {
        var open: [Connection] = []
        for _ in 0..<idleConnections { open.append(try await Connection.open(daemon.uri)) }
        try await Task.sleep(for: .milliseconds(300))
        let resident = daemon.residentKiB
        for connection in open { await connection.close() }
        return resident
    }

    /// Lets this process hold a thousand connections and more.
    private static func raiseDescriptorLimit() {
        var limit = rlimit()
        getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        limit.rlim_cur = limit.rlim_max
        setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
    }
}
