import CVirtShim
import Foundation
import SwiftVirt
import TestSupport
import Testing

/// Whether real containers can run here (root, namespaces, cgroups) and stock virsh is
/// installed to drive them.
private let canRunContainersWithVirsh = getuid() == 0 && FileManager.default.fileExists(atPath: "/proc/self/ns/pid")
    && FileManager.default.isExecutableFile(atPath: "/usr/bin/virsh")

/// Containers hosted by virtd (`lxc:///` on the daemon's root) and driven by stock virsh
/// over `lxc+unix`: namespace descriptors passed back for `lxc-enter-namespace`, the console
/// as a stream, and running containers outliving the daemon.
@Suite("virtd: containers through stock virsh", .enabled(if: canRunContainersWithVirsh, "needs root, namespaces, cgroups and virsh"),
       .serialized)
struct DaemonContainerTests {
    static let console = "<console type='pty'><target type='lxc' port='0'/></console>"
    /// An init that answers each line typed on its console, through /dev/console.
    static let answering = "while read line; do echo \"got $line\" > /dev/console; done"

    private func uri(_ fixture: DaemonFixture, readOnlySocket: Bool = false) -> String {
        "lxc+unix:///system?socket=\(readOnlySocket ? fixture.readOnlySocket : fixture.socket)"
    }

    /// Defines and starts container `name` through virtd, running `/bin/sh -c script`.
    private func start(_ name: String, script: String = "sleep 1000", devices: String = "", on fixture: DaemonFixture) async throws {
        let file = fixture.directory + "/\(name).xml"
        try """
        <domain type='lxc'><name>\(name)</name><uuid>\(UUID().uuidString.lowercased())</uuid><memory unit='KiB'>65536</memory>
          <os><type>exe</type><init>/bin/sh</init><initarg>-c</initarg><initarg>\(script)</initarg></os>
          <devices>\(devices)</devices></domain>
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let run = try await DaemonFixture.virsh(["-c", uri(fixture), "define \(file); start \(name)"])
        try #require(run.status == 0, "\(run.output)")
    }

    @Test func lxcEnterNamespaceRunsACommandInsideWithTheDescriptorsVirtdPasses() async throws {
        let fixture = try await DaemonFixture.start()
        try await start("entered", on: fixture)
        let id = try await DaemonFixture.virsh(["-c", uri(fixture), "domid", "entered"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
        let run = try await DaemonFixture.virsh(["-c", uri(fixture), "lxc-enter-namespace", "entered", "--noseclabel", "--",
                                                 "/bin/sh", "-c", EnteredContainerReport.script])
        #expect(run.status == 0, "\(run.output)")
        let report = try #require(EnteredContainerReport(run.output), "\(run.output)")
        #expect(report.hostname == "entered" && report.runsInTheContainersPidNamespace)
        #expect(report.initCommand == "/bin/sh -c sleep 1000 " && report.uid == "0")
        // virsh joined the cgroups of the container's init itself (virDomainLxcEnterCGroup;
        // libvirt 9.0's client leaves the devices and cpuacct hierarchies alone here).
        let initCgroups = try String(contentsOfFile: "/proc/\(id)/cgroup", encoding: .utf8).split(separator: "\n")
        for controller in [":memory:", ":cpu:", ":freezer:"] {
            let line = try #require(initCgroups.first { $0.contains(controller) })
            #expect(line.contains("/swiftvirt/ctx-") && report.cgroups.contains(String(line)), "\(controller)")
        }

        // SwiftVirt's own virtsh gets the same descriptors through its remote driver, and
        // enters the DAC label too.
        let virtsh = try #require(builtExecutable("virtsh"))
        let ours = try await offPool {
            try runTool([virtsh, "-c", uri(fixture), "lxc-enter-namespace", "entered", "--", "/bin/sh", "-c", EnteredContainerReport.script])
        }
        #expect(ours.status == 0, "\(ours.output)")
        let inside = try #require(EnteredContainerReport(ours.output), "\(ours.output)")
        #expect(inside.hostname == "entered" && inside.runsInTheContainersPidNamespace && inside.uid == "0")

        // Every descriptor virtd passed was closed on its side: repeating leaks nothing.
        let before = try fixture.openDescriptorCount()
        for _ in 0..<3 {
            #expect(try await DaemonFixture.virsh(["-c", uri(fixture), "lxc-enter-namespace", "entered", "--noseclabel", "--", "/bin/true"]).status == 0)
        }
        #expect(try fixture.openDescriptorCount() == before)

        // The DAC label cannot be entered by libvirt's client library, as with libvirt's own
        // drivers that label with DAC; the read-only socket refuses the call itself.
        let labelled = try await DaemonFixture.virsh(["-c", uri(fixture), "lxc-enter-namespace", "entered", "--", "/bin/true"])
        #expect(labelled.status == 1 && labelled.output.contains("unexpected exit status 125"), "\(labelled.output)")
        let readOnly = try await DaemonFixture.virsh(["-c", uri(fixture, readOnlySocket: true), "lxc-enter-namespace", "entered", "--noseclabel",
                                                      "--", "/bin/true"])
        #expect(readOnly.status == 1 && readOnly.output.contains("operation forbidden: read only access prevents virDomainLxcOpenNamespace"),
                "\(readOnly.output)")
        let stopped = try await DaemonFixture.virsh(["-c", uri(fixture), "destroy entered; lxc-enter-namespace entered --noseclabel -- /bin/true"])
        #expect(stopped.status == 1 && stopped.output.contains("error: Requested operation is not valid: domain is not running"), "\(stopped.output)")
    }

    @Test func virshConsoleTalksToTheContainersConsoleThroughAStream() async throws {
        let fixture = try await DaemonFixture.start()
        try await start("tty", script: Self.answering, devices: Self.console, on: fixture)
        for round in ["hello", "again"] {  // the first session ended cleanly: a second one attaches
            let console = try ConsoleSession(["-c", uri(fixture), "console", "tty"])
            #expect(try await console.read(until: "Escape character is ^]").contains("Connected to domain 'tty'"))
            #expect(try await console.answer(to: round, is: "got \(round)"))
            console.type("\u{1d}")  // Ctrl-]: virsh aborts the stream and exits
            #expect(try await console.exitStatus() == 0)
        }

        // The container's end ends the stream: virsh leaves on its own.
        let attached = try ConsoleSession(["-c", uri(fixture), "console", "tty"])
        #expect(try await attached.read(until: "Escape character is ^]").contains("Connected"))
        #expect(try await DaemonFixture.virsh(["-c", uri(fixture), "destroy", "tty"]).status == 0)
        #expect(try await attached.exitStatus() == 0)

        let refused = try ConsoleSession(["-c", uri(fixture), "console", "tty"])
        #expect(try await refused.read(until: "not running").contains("error: The domain is not running"))
        #expect(try await refused.exitStatus() == 1)
    }

    @Test func theRemoteDriverHandsTheConsoleStreamOverAsASocket() async throws {
        let fixture = try await DaemonFixture.start()
        try await start("tty", script: Self.answering, devices: Self.console, on: fixture)
        let connection = try await Connection.open(uri(fixture))
        let domain = try await connection.lookupDomain(name: "tty")
        for round in ["one", "two"] {
            let console = try await openWhenFree(domain)
            #expect(try await answers(console, to: round), "round \(round)")
            close(console)  // aborts the stream, which frees the session for the next round
        }
        // The container's end ends the stream: the socket reads its end.
        let attached = try await openWhenFree(domain)
        try await domain.destroy()
        let started = ContinuousClock.now
        // A stream that did not end would be read until the 30 s bound; under load its end
        // has taken over 5 s to arrive.
        _ = try await offPool { TestSupport.read(attached, until: "never printed", within: .seconds(30)) }
        #expect(ContinuousClock.now - started < .seconds(25), "the stream ended with the container")
        close(attached)
        await expectConsoleRefused(domain)
        await connection.close()
    }

    /// A console session, once virtd has seen the previous one's abort.
    private func openWhenFree(_ domain: Domain) async throws -> Int32 {
        for _ in 0..<100 {
            if let console = try? await domain.openConsole() { return console }
            try await Task.sleep(for: .milliseconds(10))
        }
        return try await domain.openConsole()
    }

    /// Whether typing `line` on `console` brings the container's answer (10 tries), waited
    /// for off the concurrency pool.
    private func answers(_ console: Int32, to line: String) async throws -> Bool {
        try await offPool {
            for _ in 0..<10 {
                // MSG_NOSIGNAL: a stream that ended must fail this test, not kill the runner.
                _ = "\(line)\n".withCString { send(console, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
                if TestSupport.read(console, until: "got \(line)", within: .seconds(1)).contains("got \(line)") { return true }
            }
            return false
        }
    }

    private func expectConsoleRefused(_ domain: Domain) async {
        do throws(VirError) {
            _ = try await domain.openConsole()
            Issue.record("a stopped container's console opened")
        } catch {
            #expect(error.code == .operationInvalid, "\(error.message)")
        }
    }

    @Test func runningContainersOutliveVirtdAndAreAdoptedByTheNext() async throws {
        let fixture = try await DaemonFixture.start()
        try await start("kept", on: fixture)
        let before = try await DaemonFixture.virsh(["-c", uri(fixture), "domid", "kept"])
        try await fixture.restart()
        let after = try await DaemonFixture.virsh(["-c", uri(fixture), "domid kept; domstate kept --reason"])
        #expect(after.status == 0)
        #expect(after.output.hasPrefix(before.output.trimmingCharacters(in: .newlines)), "the same init, still running")
        #expect(after.output.contains("running (unpaused)"), "\(after.output)")
        let destroyed = try await DaemonFixture.virsh(["-c", uri(fixture), "destroy kept; domstate kept"])
        #expect(destroyed.output.contains("Domain 'kept' destroyed") && destroyed.output.contains("shut off"), "\(destroyed.output)")
    }
}

/// Stock virsh on a terminal of its own (`virsh console` wants one): what it prints is read
/// from the pty, what is typed written to it, and both waited for off the concurrency pool.
/// virsh is killed if it outlives the test.
private final class ConsoleSession: @unchecked Sendable {
    private let terminal: Int32
    private let pid: pid_t
    private var exited = false

    init(_ arguments: [String]) throws {
        var (leader, follower, number): (Int32, Int32, UInt32) = (-1, -1, 0)
        guard cvs_open_pty(&leader, &follower, &number) == 0 else { throw SpawnFailure(description: "no pseudo-terminal") }
        terminal = leader
        defer { close(follower) }
        pid = try spawnWithCleanSignals("/usr/bin/virsh", ["virsh"] + arguments, output: .terminal(follower))
    }

    deinit {
        if !exited {
            kill(pid, SIGKILL)
            _ = waitForChild(pid)
        }
        close(terminal)
    }

    /// What virsh printed until `text` (or 10 s).
    func read(until text: String) async throws -> String {
        try await offPool { [terminal] in TestSupport.read(terminal, until: text, within: .seconds(10)) }
    }

    /// Types `line` until `answer` comes back (10 tries, a second each): virsh flushes what
    /// was typed before it made the terminal raw, so a first line may be lost.
    func answer(to line: String, is answer: String) async throws -> Bool {
        try await offPool { [self] in
            (0..<10).contains { _ in
                type(line + "\n")
                return TestSupport.read(terminal, until: answer, within: .seconds(1)).contains(answer)
            }
        }
    }

    /// Types `text`.
    func type(_ text: String) { _ = text.withCString { write(terminal, $0, strlen($0)) } }

    /// virsh's exit status, waiting up to 10 s.
    func exitStatus() async throws -> Int32 {
        exited = true
        return try await offPool { [pid] in waitForChild(pid, timeout: .seconds(10)) }
    }
}
