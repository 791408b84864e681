import Foundation
import SwiftVirt

#if canImport(Glibc)
import Glibc
#endif

/// Timing helpers shared by every benchmark: medians over repeated rounds, never one run.
enum Bench {
    /// Runs `body` `rounds` times and returns the median duration in seconds.
    static func median(rounds: Int, _ body: () async throws -> Void) async rethrows -> Double {
        var samples: [Double] = []
        samples.reserveCapacity(rounds)
        let clock = ContinuousClock()
        for _ in 0..<rounds {
            let start = clock.now
            try await body()
            samples.append(seconds(clock.now - start))
        }
        return medianOf(samples)
    }

    /// The medians, in milliseconds, of createXML (until it returns, the domain running)
    /// and destroy of a domain of `xml`, over `rounds` rounds after `warmup`.
    static func createAndDestroy(_ xml: String, on connection: Connection, rounds: Int, warmup: Int) async throws -> (create: Double, destroy: Double) {
        var creates: [Double] = [], destroys: [Double] = []
        let clock = ContinuousClock()
        for round in 0..<(rounds + warmup) {
            let start = clock.now
            let domain = try await connection.createDomain(xml: xml)
            let created = clock.now
            try await domain.destroy()
            if round >= warmup {
                creates.append(seconds(created - start) * 1000)
                destroys.append(seconds(clock.now - created) * 1000)
            }
        }
        return (medianOf(creates), medianOf(destroys))
    }

    /// The median, in milliseconds, of each of `phases`, run in turn each round (given the
    /// round's number), over `rounds` after `warmup` rounds.
    static func phaseMedians(rounds: Int, warmup: Int, _ phases: [(Int) async throws -> Void]) async throws -> [Double] {
        var samples = phases.map { _ in [Double]() }
        let clock = ContinuousClock()
        for round in 0..<(rounds + warmup) {
            for (index, phase) in phases.enumerated() {
                let start = clock.now
                try await phase(round)
                if round >= warmup { samples[index].append(seconds(clock.now - start) * 1000) }
            }
        }
        return samples.map(medianOf)
    }

    /// The medians, in milliseconds, of suspend and resume of `domain`, over `rounds`.
    static func suspendAndResume(_ domain: Domain, rounds: Int) async throws -> (suspend: Double, resume: Double) {
        var suspends: [Double] = [], resumes: [Double] = []
        let clock = ContinuousClock()
        for _ in 0..<rounds {
            let start = clock.now
            try await domain.suspend()
            let middle = clock.now
            try await domain.resume()
            suspends.append(seconds(middle - start) * 1000)
            resumes.append(seconds(clock.now - middle) * 1000)
        }
        return (medianOf(suspends), medianOf(resumes))
    }

    /// Waits until `domain`'s QEMU uses under a tenth of a CPU (`virDomainGetInfo`'s CPU
    /// time): SeaBIOS with nothing to boot spins a whole CPU for its first seconds here,
    /// which on a 2-CPU machine swamps any figure measured meanwhile.
    static func waitUntilIdle(_ domain: Domain, limit: Duration = .seconds(30)) async throws {
        let clock = ContinuousClock(), deadline = clock.now + limit, interval = Duration.milliseconds(200)
        var previous = try await domain.info().cpuTime
        while clock.now < deadline {
            try await Task.sleep(for: interval)
            let now = try await domain.info().cpuTime
            if Double(now - previous) <= interval / .nanoseconds(10) { return }
            previous = now
        }
        throw BenchError.commandFailed("\(domain.name) still busy after \(limit)", 0)
    }

    static func medianOf(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }

    /// Starts `argv` with stdout and stderr on /dev/null and waits for it; returns the
    /// wall time in seconds and the exit status.
    static func spawnAndWait(_ argv: [String], environment: [String: String] = ProcessInfo.processInfo.environment) -> (seconds: Double, status: Int32) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            cArgs.forEach { free($0) }
            cEnv.forEach { free($0) }
        }
        let clock = ContinuousClock()
        let start = clock.now
        var pid: pid_t = 0
        guard posix_spawn(&pid, argv[0], &actions, nil, cArgs, cEnv) == 0 else { return (.nan, -1) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (seconds(clock.now - start), status)
    }

    /// Runs a command and returns its standard output (for the reference's helper scripts).
    static func capture(_ argv: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: argv[0])
        process.arguments = Array(argv.dropFirst())
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchError.commandFailed(argv.joined(separator: " "), process.terminationStatus)
        }
        return String(decoding: data, as: UTF8.self)
    }
}

enum BenchError: Error, CustomStringConvertible {
    case commandFailed(String, Int32)
    case missing(String)

    var description: String {
        switch self {
        case .commandFailed(let command, let status): return "\(command) exited with status \(status)"
        case .missing(let what): return "missing \(what)"
        }
    }
}

/// One line of a side-by-side report: SwiftVirt's figure, the reference's, and the ratio
/// oriented so that > 1 means SwiftVirt is better.
struct Comparison {
    let name: String
    let unit: String
    let swiftVirt: Double
    let reference: Double
    let higherIsBetter: Bool
    let target: String

    var ratio: Double { higherIsBetter ? swiftVirt / reference : reference / swiftVirt }

    static func printTable(_ title: String, _ rows: [Comparison]) {
        print("\n== \(title) ==")
        print(pad("measure", 44) + pad("SwiftVirt", 16) + pad("reference", 16) + pad("ratio", 10) + "target")
        for row in rows {
            print(pad(row.name, 44) + pad(format(row.swiftVirt, row.unit), 16) + pad(format(row.reference, row.unit), 16)
                  + pad(String(format: "%.1fx", row.ratio), 10) + row.target)
        }
    }

    private static func format(_ value: Double, _ unit: String) -> String {
        value >= 1000 ? String(format: "%.0f %@", value, unit) : String(format: "%.3g %@", value, unit)
    }

    private static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
    }
}
