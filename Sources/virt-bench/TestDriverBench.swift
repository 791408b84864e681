import Foundation
import SwiftVirt

/// `virt-bench testdriver`: SwiftVirt's in-process test driver against libvirt's
/// (python3-libvirt on `test:///default`) and `virtsh list` against `virsh list`.
enum TestDriverBench {
    static let cycles = 2000
    static let infoCalls = 50_000
    static let listedDomains = 1000
    static let rounds = 7

    static func domainXML(_ name: String) -> String {
        "<domain type='test'><name>\(name)</name><memory>65536</memory><os><type>hvm</type></os></domain>"
    }

    static func run() async throws {
        let swift = try await measureSwiftVirt()
        let reference = try measureLibvirt()
        let virtsh = try measureProcess([siblingExecutable("virtsh"), "-c", "test:///default", "list", "--all"])
        let virsh = try measureProcess(["/usr/bin/virsh", "-c", "test:///default", "list", "--all"])
        Comparison.printTable("testdriver (medians)", [
            Comparison(name: "define+create+destroy+undefine", unit: "/s", swiftVirt: swift.cycles, reference: reference["cycles"] ?? .nan, higherIsBetter: true, target: ">= 3x"),
            Comparison(name: "lookupByName+info", unit: "/s", swiftVirt: swift.info, reference: reference["info"] ?? .nan, higherIsBetter: true, target: ""),
            Comparison(name: "listAllDomains, \(listedDomains + 1) domains", unit: "ms", swiftVirt: swift.list * 1000, reference: (reference["list"] ?? .nan) * 1000, higherIsBetter: false, target: ">= 3x"),
            Comparison(name: "list --all process (virtsh vs virsh)", unit: "ms", swiftVirt: virtsh * 1000, reference: virsh * 1000, higherIsBetter: false, target: "virtsh < 5 ms"),
        ])
    }

    static func measureSwiftVirt() async throws -> (cycles: Double, info: Double, list: Double) {
        let conn = try await Connection.open("test:///default")
        defer { Task { await conn.close() } }
        let xml = domainXML("bench-cycle")
        let cycleTime = try await Bench.median(rounds: rounds) {
            for _ in 0..<cycles {
                let domain = try await conn.defineDomain(xml: xml)
                try await domain.create()
                try await domain.destroy()
                try await domain.undefine()
            }
        }
        var sink: UInt64 = 0
        let infoTime = try await Bench.median(rounds: rounds) {
            for _ in 0..<infoCalls {
                sink &+= try await conn.lookupDomain(name: "test").info().memory
            }
        }
        for index in 0..<listedDomains { _ = try await conn.defineDomain(xml: domainXML("bench-list-\(index)")) }
        var listed = 0
        let listTime = try await Bench.median(rounds: rounds * 5) {
            listed = try await conn.listAllDomains().count
        }
        precondition(listed == listedDomains + 1 && sink > 0)
        for domain in try await conn.listAllDomains(flags: .inactive) where domain.name.hasPrefix("bench-list-") {
            try await domain.undefine()
        }
        return (Double(cycles) / cycleTime, Double(infoCalls) / infoTime, listTime)
    }

    static func measureLibvirt() throws -> [String: Double] {
        guard FileManager.default.fileExists(atPath: "/usr/bin/python3") else { throw BenchError.missing("/usr/bin/python3 (run scripts/install-test-deps)") }
        let output = try Bench.capture(["/usr/bin/python3", "-c", pythonScript])
        guard let object = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Double] else {
            throw BenchError.commandFailed("python3 libvirt benchmark returned \(output)", 0)
        }
        return object
    }

    /// Median wall time of running `argv` as a whole process.
    static func measureProcess(_ argv: [String]) throws -> Double {
        guard FileManager.default.isExecutableFile(atPath: argv[0]) else {
            throw BenchError.missing("\(argv[0]) (build it first: swift build -c release)")
        }
        var environment = ProcessInfo.processInfo.environment
        environment["LIBVIRT_DEFAULT_URI"] = nil
        _ = Bench.spawnAndWait(argv, environment: environment)
        let samples = (0..<41).map { _ in Bench.spawnAndWait(argv, environment: environment) }
        guard samples.allSatisfy({ $0.status == 0 }) else { throw BenchError.commandFailed(argv.joined(separator: " "), samples.first { $0.status != 0 }!.status) }
        return Bench.medianOf(samples.map(\.seconds))
    }

    static func siblingExecutable(_ name: String) -> String {
        let me = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        return me.deletingLastPathComponent().appendingPathComponent(name).path
    }

    static let pythonScript = """
        import json, statistics, time, libvirt
        CYCLES, INFO, LISTED, ROUNDS = \(cycles), \(infoCalls), \(listedDomains), \(rounds)
        def xml(name):
            return "<domain type='test'><name>%s</name><memory>65536</memory><os><type>hvm</type></os></domain>" % name
        def median(fn, rounds):
            samples = []
            for _ in range(rounds):
                t = time.perf_counter(); fn(); samples.append(time.perf_counter() - t)
            return statistics.median(samples)
        conn = libvirt.open("test:///default")
        x = xml("bench-cycle")
        def cycles():
            for _ in range(CYCLES):
                d = conn.defineXML(x); d.create(); d.destroy(); d.undefine()
        def info():
            for _ in range(INFO):
                conn.lookupByName("test").info()
        result = {"cycles": CYCLES / median(cycles, ROUNDS), "info": INFO / median(info, ROUNDS)}
        for i in range(LISTED):
            conn.defineXML(xml("bench-list-%d" % i))
        result["list"] = median(lambda: conn.listAllDomains(0), ROUNDS * 5)
        print(json.dumps(result))
        """
}
