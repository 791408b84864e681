import Foundation
import Testing
import VirtError
import VirtSystem
@testable import VirtContexts

/// `vx_migrate`: a process entering a running context, observed from inside and outside.
@Suite("Security contexts: entering a running context (vx_migrate)", .enabled(if: canCreateContexts, "needs root, namespaces and cgroups"), .serialized)
struct ContextMigrateTests {
    static let environment = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]

    /// Runs `script` with `/bin/sh -c` inside `context` and returns its output and end.
    func enter(_ context: Context, _ script: String, flags: MigrationFlags = []) async throws -> (output: String, status: VirtSystem.ExitStatus) {
        let pipe = Pipe()
        let fd = pipe.fileHandleForWriting.fileDescriptor
        let child = try context.migrate(command: ["/bin/sh", "-c", script], flags: flags, descriptors: [0: 0, 1: fd, 2: fd],
                                        environment: Self.environment)
        try pipe.fileHandleForWriting.close()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return (output, try await child.wait())
    }

    /// Kills every process of the context and waits for its end.
    func end(_ context: Context) async throws {
        try context.kill(pid: 0, signal: SIGKILL)
        _ = try await context.wait()
    }

    @Test func enteredShellSeesTheContextsPidsHostnameAndUname() async throws {
        let sandbox = try ContextSandbox()
        var options = ContextOptions()
        options.uname = [.sysname: "VServer", .release: "2.6.99-vs", .version: "#7 migrated", .machine: "vx86", .nodename: "guest-m"]
        let running = try sandbox.start(["/bin/sleep", "30"], options: options)
        let script = "echo $$; cat /proc/1/comm; hostname; uname -srvm; hostname x 2>/dev/null; echo rc=$?"
        let result = try await enter(running.context, script)
        let lines = result.output.split(separator: "\n").map(String.init)
        #expect(lines.count == 5, "\(result.output)")
        #expect((Int(lines.first ?? "") ?? 0) > 1)
        #expect(lines.dropFirst().first == "sleep")  // the context's first process is its pid 1
        #expect(Array(lines.dropFirst(2)) == ["guest-m", "VServer 2.6.99-vs #7 migrated vx86", "rc=1"])
        #expect(result.status == .exited(0))
        #expect(running.context.uname(.nodename) == "guest-m")

        // The keeper's decisions follow the context's capabilities as they change.
        try running.context.setCapabilities(.setUtsname, mask: .setUtsname)
        #expect(try await enter(running.context, "hostname renamed && hostname").output == "renamed\n")
        try await end(running.context)
    }

    @Test func enteredProcessIsInTheContextAndOurChild() async throws {
        let sandbox = try ContextSandbox()
        let running = try sandbox.start(["/bin/sleep", "30"])
        let context = running.context
        let child = try context.migrate(command: ["/bin/sleep", "30"], environment: [])
        #expect(try sandbox.system.taskXID(pid: child.pid) == context.xid)
        #expect(try ProcessStat.read(pid: child.pid).parentPID == getpid())
        for kind in ["pid", "mnt", "uts", "ipc", "cgroup"] {
            let inside = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(child.pid)/ns/\(kind)")
            #expect(inside == (try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(context.info().initPID)/ns/\(kind)")), "\(kind)")
        }
        let bounding = try ProcessStatus.read(pid: child.pid).boundingSet
        #expect(bounding == context.boundingSet())
        #expect(try context.stat().tasks == 2)
        try child.signal(SIGTERM)
        #expect(try await child.wait() == .signaled(SIGTERM, coreDumped: false))
        #expect(try await enter(context, "exit 7").status == .exited(7))
        try await end(context)
    }

    @Test func contextWithoutPidNamespaceLivesWhileAnEnteredProcessDoes() async throws {
        let sandbox = try ContextSandbox()
        var options = ContextOptions()
        options.flags = [.infoNspace]
        // The first process lives long enough for the entry to finish even on a machine
        // loaded by other suites (CI boots QEMU guests meanwhile); the entered one lives
        // until the check is done, however late its turn comes.
        let running = try sandbox.start(["/bin/sleep", "3"], options: options)
        let child = try running.context.migrate(command: ["/bin/sleep", "60"], environment: [])
        // Ended: gone, or a zombie until its context is waited for.
        func firstHasEnded() -> Bool {
            let status = (try? String(contentsOfFile: "/proc/\(running.initProcess.pid)/status", encoding: .utf8)) ?? ""
            return status.isEmpty || status.contains("State:\tZ")
        }
        for _ in 0..<3000 where !firstHasEnded() { try await Task.sleep(for: .milliseconds(10)) }
        #expect(firstHasEnded(), "the first process has ended")
        #expect(sandbox.system.list().contains(running.context.xid), "the entered process keeps the context")
        try child.signal(SIGTERM)
        #expect(try await child.wait() == .signaled(SIGTERM, coreDumped: false))
        _ = try await running.context.wait()
        #expect(!sandbox.system.list().contains(running.context.xid))
    }

    @Test func enteredProcessEndsWithThePidNamespacesInit() async throws {
        let sandbox = try ContextSandbox()
        let running = try sandbox.start(["/bin/sleep", "0.3"])
        let child = try running.context.migrate(command: ["/bin/sleep", "30"], environment: [])
        // The kernel ends a pid namespace with its pid 1, and every process in it.
        #expect(try await child.wait() == .signaled(SIGKILL, coreDumped: false))
        #expect(try await running.wait().exitCode == 0)
    }

    @Test func timeNamespaceIsEnteredToo() async throws {
        let sandbox = try ContextSandbox()
        var options = ContextOptions()
        options.flags = [.infoInit, .infoNspace, .virtUptime]
        let running = try sandbox.start(["/bin/sleep", "30"], options: options)
        let result = try await enter(running.context, "cat /proc/uptime")
        let seconds = try #require(Double(result.output.split(separator: " ").first ?? ""))
        #expect(seconds < 10)
        try await end(running.context)
    }

    @Test func reaperAndInitFlags() async throws {
        let sandbox = try ContextSandbox()
        let running = try sandbox.start(["/bin/sleep", "30"])
        let context = running.context
        // Orphans go to the context's init (pid 1), or to an entered process that is a reaper.
        let orphan = #"p=$(sh -c 'sleep 5 >/dev/null 2>&1 & echo $!'); sleep 0.3; echo $$ $(cut -d' ' -f4 /proc/$p/stat); kill $p"#
        let plain = try await enter(context, orphan).output.split(whereSeparator: \.isWhitespace)
        #expect(plain.count == 2 && plain.last == "1", "\(plain)")
        let reaper = try await enter(context, orphan, flags: .setReaper).output.split(whereSeparator: \.isWhitespace)
        #expect(reaper.count == 2 && reaper.first == reaper.last, "\(reaper)")

        let newInit = try context.migrate(command: ["/bin/sleep", "30"], flags: .setInit, environment: [])
        #expect(try sandbox.system.context(context.xid).info().initPID == newInit.pid)
        try context.kill(pid: 0, signal: SIGKILL)
        #expect(try await newInit.wait() == .signaled(SIGKILL, coreDumped: false))
        _ = try await running.initProcess.wait()
    }

    @Test func privateDeadAndFrozenContextsCannotBeEntered() async throws {
        let sandbox = try ContextSandbox()
        var options = ContextOptions()
        options.flags = [.infoInit, .infoNspace, .infoPrivate]
        let hidden = try sandbox.start(["/bin/sleep", "30"], options: options)
        expectContextError(.operationDenied) { _ = try hidden.context.migrate(command: ["/bin/true"], environment: []) }
        try await end(hidden.context)

        let ended = try sandbox.start(["/bin/true"])
        _ = try await ended.context.wait()
        expectContextError(.noDomain) { _ = try ended.context.migrate(command: ["/bin/true"], environment: []) }

        let frozen = try sandbox.start(["/bin/sleep", "30"])
        try frozen.context.setFlags(.schedPause, mask: .schedPause)
        expectContextError(.operationInvalid) { _ = try frozen.context.migrate(command: ["/bin/true"], environment: []) }
        expectContextError(.invalidArg) { _ = try frozen.context.migrate(command: ["true"], environment: []) }
        try frozen.context.setFlags([], mask: .schedPause)
        try await end(frozen.context)
    }
}
