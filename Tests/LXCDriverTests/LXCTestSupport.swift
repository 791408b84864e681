import Foundation
import SwiftVirt
import TestSupport
import Testing
import VirtContexts
import VirtSystem

/// Whether real containers can run here: root, namespaces and cgroups.
let canRunContainers = getuid() == 0 && FileManager.default.fileExists(atPath: "/proc/self/ns/pid")

/// An `lxc:///embed` root of its own, whose containers, contexts and keeper are all gone
/// afterwards, even when a test fails.
final class LXCSandbox: @unchecked Sendable {
    let root = ContextSystem.runBase + "/lxc-test-\(UUID().uuidString)"
    /// One UUID per domain name, so that a redefinition names the same domain.
    private var uuids: [String: String] = [:]
    var uri: String { "lxc:///embed?root=\(root)" }
    /// A host directory for files containers write (a container's /dev/shm is its own, so
    /// the run directory under the host's /dev/shm is out of its reach).
    let exchange = "/tmp/swiftvirt-lxc-test-\(UUID().uuidString)"

    func open() async throws -> Connection { try await Connection.open(uri) }

    /// A container definition running `command` as its init, with `devices` (XML).
    func xml(_ name: String, init command: String = "/bin/sh", args: [String] = ["-c", "sleep 1000"], memoryKiB: Int = 65536,
             devices: String = "") -> String {
        """
        <domain type='lxc'>
          <name>\(name)</name>
          <uuid>\(uuid(name))</uuid>
          <memory unit='KiB'>\(memoryKiB)</memory>
          <os><type>exe</type><init>\(command)</init>\(args.map { "<initarg>\(escaped($0))</initarg>" }.joined())</os>
          <devices>\(devices)</devices>
        </domain>
        """
    }

    /// The file `name` of ``exchange`` once a container wrote it (waiting up to 3 s).
    func report(_ name: String) async throws -> String {
        let path = exchange + "/" + name
        for _ in 0..<300 where !FileManager.default.fileExists(atPath: path) { try await Task.sleep(for: .milliseconds(10)) }
        return try String(contentsOfFile: path, encoding: .utf8)
    }

    /// A root filesystem of busybox-static in ``exchange``: /bin/busybox, /bin/sh and a
    /// marker file, and nothing of the host.
    func busyboxRootfs() throws -> String {
        let rootfs = exchange + "/rootfs"
        try FileManager.default.createDirectory(atPath: rootfs + "/bin", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: "/bin/busybox", toPath: rootfs + "/bin/busybox")
        try FileManager.default.createSymbolicLink(atPath: rootfs + "/bin/sh", withDestinationPath: "busybox")
        try "rootfs\n".write(toFile: rootfs + "/marker", atomically: true, encoding: .utf8)
        return rootfs
    }

    private func uuid(_ name: String) -> String {
        if let known = uuids[name] { return known }
        let fresh = UUID().uuidString.lowercased()
        uuids[name] = fresh
        return fresh
    }

    private func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    /// The virtsh built next to this test binary.
    static func virtshPath() -> String? { builtExecutable("virtsh") }

    /// Runs virtsh on this root with `arguments`; its exit status, standard output and error.
    func virtsh(_ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
        let virtsh = Process()
        virtsh.executableURL = URL(fileURLWithPath: try #require(Self.virtshPath()))
        virtsh.arguments = ["-c", uri] + arguments
        let output = Pipe(), errors = Pipe()
        virtsh.standardOutput = output
        virtsh.standardError = errors
        virtsh.standardInput = FileHandle.nullDevice
        try virtsh.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        virtsh.waitUntilExit()
        return (virtsh.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    /// The context a running domain is in: the one whose init is the domain id.
    func context(of domain: Domain) async throws -> Context {
        let system = try ContextSystem(root: root + "/contexts")
        let contexts = system.list().compactMap { try? system.context($0) }
        return try #require(contexts.first { $0.info().initPID == domain.id }, "no context runs the init \(domain.id)")
    }

    deinit {
        (try? ContextSystem(root: root + "/contexts"))?.destroyEverything()
        try? FileManager.default.removeItem(atPath: root)
        try? FileManager.default.removeItem(atPath: exchange)
    }
}

/// Expects `body` to fail with a VirError of `code`.
func expectError(_ code: ErrorCode, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void) async {
    do {
        try await body()
        Issue.record("expected \(code), but it succeeded", sourceLocation: sourceLocation)
    } catch let error as VirError {
        #expect(error.code == code, "\(error.message)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
    }
}

/// The events of domain `name` from `stream`, up to and including the first of `type`; or
/// those seen within `deadline`, so that a lost event fails the test instead of hanging it.
func events(of name: String, in stream: AsyncStream<DomainLifecycleEvent>, through type: DomainEventType,
            within deadline: Duration = .seconds(10)) async -> [DomainLifecycleEvent] {
    await withTaskGroup(of: [DomainLifecycleEvent]?.self) { group in
        group.addTask {
            var seen: [DomainLifecycleEvent] = []
            for await event in stream where event.domain.name == name {
                seen.append(event)
                if event.type == type { break }
            }
            return seen
        }
        group.addTask {
            try? await Task.sleep(for: deadline)
            return nil
        }
        let first = await group.next() ?? nil
        group.cancelAll()
        return first ?? []
    }
}

