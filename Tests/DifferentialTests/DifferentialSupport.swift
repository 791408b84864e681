// Helpers for the differential suite: locating the two shells, parsing script files,
// running a shell with a timeout, normalising the few things libvirt itself makes
// variable, and rendering a readable diff.

import Foundation
import TestSupport
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Locations

/// Paths the suite works with.
enum DiffPaths {
    /// Directory holding this source file (`Tests/DifferentialTests`).
    static let suiteDir: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    /// The `*.virsh` scripts.
    static let scriptsDir: URL = suiteDir.appendingPathComponent("Scripts")
    /// XML fixtures, substituted for `$FIXTURES` in scripts.
    static let fixturesDir: URL = suiteDir.appendingPathComponent("Fixtures")
    /// Debian's reference shell.
    static let virsh = "/usr/bin/virsh"

    /// True when the reference `virsh` can be run.
    static var virshAvailable: Bool { FileManager.default.isExecutableFile(atPath: virsh) }

    /// Names (without extension) of all scripts, sorted. Used as test arguments.
    static func scriptNames() -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: scriptsDir.path)) ?? []
        return files.filter { $0.hasSuffix(".virsh") }
            .map { String($0.dropLast(".virsh".count)) }
            .sorted()
    }

    /// Finds the `virtsh` executable under test.
    ///
    /// `$VIRTSH` wins if set. Otherwise `virtsh` is expected next to the running test
    /// binary (SwiftPM puts both in e.g. `.build/debug/`); on macOS the test binary sits
    /// inside `X.xctest/Contents/MacOS`, so a few parent directories are tried as well.
    /// Returns the path that was looked for and whether it exists.
    static func locateVirtsh() -> (path: String, found: Bool) {
        let fm = FileManager.default
        if let override = ProcessInfo.processInfo.environment["VIRTSH"], !override.isEmpty {
            return (override, fm.isExecutableFile(atPath: override))
        }
        let exe = (try? fm.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? Bundle.main.executablePath
            ?? CommandLine.arguments[0]
        var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
        let first = dir.appendingPathComponent("virtsh").path
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("virtsh").path
            if fm.isExecutableFile(atPath: candidate) { return (candidate, true) }
            dir = dir.deletingLastPathComponent()
        }
        return (first, false)
    }
}

// MARK: - Script files

/// One `NN-name.virsh` file.
///
/// Format: optional leading directive lines, then the command string (passed to the
/// shell as ONE argument; newlines inside it separate commands just like `;`).
/// Directives (only recognised at the top of the file):
/// * `#args: -r -q` – extra options inserted after `-c test:///default` (split on spaces).
/// * `#env: NAME=value` – environment variable for the run (repeatable).
/// * `#noconnect` – do not pass `-c test:///default` (for URI/env tests).
/// `$FIXTURES` and `$TMP` are substituted in the command string, args and env values.
struct DiffScript: Sendable {
    var name: String
    var command: String
    var extraArgs: [String] = []
    var env: [String: String] = [:]
    var connect = true

    init(name: String, text: String) {
        self.name = name
        var lines = text.components(separatedBy: "\n")
        while let line = lines.first {
            if line.hasPrefix("#args:") {
                extraArgs += line.dropFirst("#args:".count).split(separator: " ").map(String.init)
            } else if line.hasPrefix("#env:") {
                let kv = line.dropFirst("#env:".count).trimmingCharacters(in: .whitespaces)
                if let eq = kv.firstIndex(of: "=") {
                    env[String(kv[..<eq])] = String(kv[kv.index(after: eq)...])
                }
            } else if line.trimmingCharacters(in: .whitespaces) == "#noconnect" {
                connect = false
            } else {
                break
            }
            lines.removeFirst()
        }
        var body = lines.joined(separator: "\n")
        while body.hasSuffix("\n") { body.removeLast() }
        command = body
    }

    static func load(_ name: String) throws -> DiffScript {
        let url = DiffPaths.scriptsDir.appendingPathComponent(name + ".virsh")
        return DiffScript(name: name, text: try String(contentsOf: url, encoding: .utf8))
    }

    /// argv (without the executable) for a run whose scratch directory is `tmp`.
    func arguments(tmp: String) -> [String] {
        var args: [String] = connect ? ["-c", "test:///default"] : []
        args += extraArgs.map { substitute($0, tmp: tmp) }
        args.append(substitute(command, tmp: tmp))
        return args
    }

    func environment(tmp: String) -> [String: String] {
        env.mapValues { substitute($0, tmp: tmp) }
    }

    func substitute(_ s: String, tmp: String) -> String {
        s.replacingOccurrences(of: "$FIXTURES", with: DiffPaths.fixturesDir.path)
            .replacingOccurrences(of: "$TMP", with: tmp)
    }
}

// MARK: - Running

struct DiffError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// What one shell run produced.
struct RunResult: Equatable, Sendable {
    var stdout: String
    var stderr: String
    var status: Int32
    var timedOut = false
}

enum DiffRunner {
    /// Runs `executable` with the script in a fresh scratch directory (removed afterwards),
    /// a cleaned environment and a timeout. Output goes to files (no pipe deadlocks).
    /// The result is already normalised (see `Normaliser`).
    static func run(_ executable: String, _ script: DiffScript, timeout: Double = 20) async throws -> RunResult {
        let fm = FileManager.default
        let runDir = fm.temporaryDirectory.appendingPathComponent("difftest-\(UUID().uuidString)")
        let tmp = runDir.appendingPathComponent("tmp")
        try fm.createDirectory(at: tmp, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: runDir) }

        let outPath = runDir.appendingPathComponent("stdout").path
        let errPath = runDir.appendingPathComponent("stderr").path
        let env = cleanEnvironment().merging(script.environment(tmp: tmp.path)) { $1 }
        let pid = try spawnWithCleanSignals(executable, [executable] + script.arguments(tmp: tmp.path),
                                            env: env, output: .files(stdout: outPath, stderr: errPath))

        let deadline = Date().addingTimeInterval(timeout)
        var timedOut = false
        var status: Int32 = 0
        while true {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid { break }
            if r < 0 && errno != EINTR { throw DiffError("waitpid failed: errno \(errno)") }
            if Date() > deadline, !timedOut {
                timedOut = true
                kill(pid, SIGKILL)
            }
            try? await Task.sleep(nanoseconds: 5_000_000)
        }
        // Decode the wait status: normal exit code, or 128+signal like a shell does.
        let exitCode: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)

        let normaliser = Normaliser(tmp: tmp.path)
        let stdout = String(decoding: fm.contents(atPath: outPath) ?? Data(), as: UTF8.self)
        let stderr = String(decoding: fm.contents(atPath: errPath) ?? Data(), as: UTF8.self)
        return RunResult(stdout: normaliser.apply(stdout), stderr: normaliser.apply(stderr),
                         status: exitCode, timedOut: timedOut)
    }

    /// The parent environment without anything that could steer libvirt/virsh
    /// (`LIBVIRT_*`, `VIRSH_*`), in the C locale so messages are untranslated.
    static func cleanEnvironment() -> [String: String] {
        var env = ProcessInfo.processInfo.environment.filter {
            !$0.key.hasPrefix("LIBVIRT_") && !$0.key.hasPrefix("VIRSH_") && $0.key != "VIRTSH"
        }
        env["LC_ALL"] = "C"
        env["LANG"] = "C"
        return env
    }
}

// MARK: - Normalisation

/// Replaces only what libvirt's test driver makes variable between runs:
/// the per-run scratch path, wall-clock derived values (domain CPU time, snapshot
/// creation times, default snapshot names = epoch seconds) and randomly generated UUIDs.
struct Normaliser {
    var tmp: String
    /// Epoch seconds within a day of now are treated as "times".
    var now = Int(Date().timeIntervalSince1970)

    /// UUIDs that are deterministic: the default domain's and those written in fixtures.
    static let knownUUIDs: Set<String> = {
        var set: Set<String> = ["6695eb01-f6a4-8304-79aa-97f2502e193f"]
        let files = (try? FileManager.default.contentsOfDirectory(atPath: DiffPaths.fixturesDir.path)) ?? []
        for file in files {
            let text = (try? String(contentsOf: DiffPaths.fixturesDir.appendingPathComponent(file), encoding: .utf8)) ?? ""
            for m in matches(uuidPattern, in: text) { set.insert(m.lowercased()) }
        }
        return set
    }()

    static let uuidPattern = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"

    func apply(_ text: String) -> String {
        var s = text.replacingOccurrences(of: tmp, with: "$TMP")
            .replacingOccurrences(of: DiffPaths.fixturesDir.path, with: "$FIXTURES")
        // dominfo / vcpuinfo: "CPU time:       1795242541.5s"
        s = Self.replace("(CPU time: +)[0-9]+\\.[0-9]s", in: s, with: "$1<CPUTIME>")
        // snapshot-list "2026-11-21 06:30:46 +0000"
        s = Self.replace("[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} [+-][0-9]{4}", in: s, with: "<DATETIME>")
        // <creationTime>, default snapshot names: epoch seconds close to now
        s = Self.replaceEach("\\b[0-9]{10}\\b", in: s) { match in
            guard let v = Int(match), abs(v - now) < 86_400 else { return match }
            return "<EPOCH>"
        }
        // Random UUIDs: number them in order of appearance so equal UUIDs stay equal.
        var seen: [String: String] = [:]
        s = Self.replaceEach(Self.uuidPattern, in: s) { match in
            let key = match.lowercased()
            if Self.knownUUIDs.contains(key) { return match }
            if let tag = seen[key] { return tag }
            let tag = "<UUID-\(seen.count + 1)>"
            seen[key] = tag
            return tag
        }
        return s
    }

    static func matches(_ pattern: String, in s: String) -> [String] {
        guard let re = try? NSRegularExpression(pattern: pattern) else { return [] }
        let ns = s as NSString
        return re.matches(in: s, range: NSRange(location: 0, length: ns.length)).map { ns.substring(with: $0.range) }
    }

    static func replace(_ pattern: String, in s: String, with template: String) -> String {
        guard let re = try? NSRegularExpression(pattern: pattern) else { return s }
        return re.stringByReplacingMatches(in: s, range: NSRange(location: 0, length: (s as NSString).length), withTemplate: template)
    }

    static func replaceEach(_ pattern: String, in s: String, _ transform: (String) -> String) -> String {
        guard let re = try? NSRegularExpression(pattern: pattern) else { return s }
        let ns = s as NSString
        var result = ""
        var last = 0
        for m in re.matches(in: s, range: NSRange(location: 0, length: ns.length)) {
            result += ns.substring(with: NSRange(location: last, length: m.range.location - last))
            result += transform(ns.substring(with: m.range))
            last = m.range.location + m.range.length
        }
        result += ns.substring(from: last)
        return result
    }
}

// MARK: - Reporting

enum DiffReport {
    /// Human-readable description of every difference between the reference and candidate runs.
    static func describe(script: DiffScript, expected: RunResult, actual: RunResult) -> String {
        var parts = ["Script \(script.name): virsh \(script.arguments(tmp: "$TMP").map(quote).joined(separator: " "))"]
        if expected.status != actual.status {
            parts.append("exit status: virsh \(expected.status), virtsh \(actual.status)")
        }
        if actual.timedOut { parts.append("virtsh TIMED OUT") }
        if expected.stdout != actual.stdout {
            parts.append("stdout differs (--- virsh, +++ virtsh; '⏎' marks line ends):\n" + unifiedDiff(expected.stdout, actual.stdout))
        }
        if expected.stderr != actual.stderr {
            parts.append("stderr differs (--- virsh, +++ virtsh; '⏎' marks line ends):\n" + unifiedDiff(expected.stderr, actual.stderr))
        }
        return parts.joined(separator: "\n")
    }

    static func quote(_ s: String) -> String {
        s.contains(where: { " ;'\"\\\n$<>&|".contains($0) }) ? "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" : s
    }

    /// A line diff (LCS based) with 3 lines of context. Line ends are made visible so
    /// that missing/extra blank lines and trailing spaces are obvious.
    static func unifiedDiff(_ a: String, _ b: String, context: Int = 3) -> String {
        let x = lines(a), y = lines(b)
        let n = x.count, m = y.count
        var lcs = Array(repeating: Array(repeating: 0, count: m + 1), count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                lcs[i][j] = x[i] == y[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var ops: [(Character, String)] = []
        var i = 0, j = 0
        while i < n || j < m {
            if i < n, j < m, x[i] == y[j] { ops.append((" ", x[i])); i += 1; j += 1 }
            else if j < m, i == n || lcs[i][j + 1] >= lcs[i + 1][j] { ops.append(("+", y[j])); j += 1 }
            else { ops.append(("-", x[i])); i += 1 }
        }
        let changed = ops.indices.filter { ops[$0].0 != " " }
        var out = ["--- virsh", "+++ virtsh"]
        var lastPrinted = -1
        for k in ops.indices {
            let near = changed.contains { abs($0 - k) <= context }
            if near {
                if lastPrinted >= 0, k > lastPrinted + 1 { out.append("@@ ... @@") }
                out.append("\(ops[k].0)\(ops[k].1)")
                lastPrinted = k
            }
        }
        return out.joined(separator: "\n")
    }

    /// Splits keeping a visible end marker: "a\n" -> ["a⏎"], "a" -> ["a"] (no newline).
    static func lines(_ s: String) -> [String] {
        var result: [String] = []
        var current = ""
        for ch in s {
            if ch == "\n" { result.append(current + "⏎"); current = "" } else { current.append(ch) }
        }
        if !current.isEmpty { result.append(current + " (no newline at end)") }
        return result
    }
}
