import Foundation
import Testing
import VirtError
import VirtSystem
@testable import VirtContexts

@Suite("Security contexts: create, info, wait, kill", .enabled(if: canCreateContexts, "needs root, namespaces and cgroups"), .serialized)
struct ContextLifecycleTests {
    @Test func firstProcessIsPidOneOfItsOwnNamespaceAndItsEndIsReported() async throws {
        let sandbox = try ContextSandbox()
        let result = try await sandbox.run(["/bin/sh", "-c", "echo $$; cat /proc/1/comm; exit 7"])
        #expect(result.output == "1\nsh\n")
        #expect(result.exit == ContextExit(exitCode: 7, signal: nil, reboot: nil))
        #expect(sandbox.system.list().contains(result.xid) == false)
        expectContextError(.noDomain) { _ = try sandbox.system.context(result.xid) }
        // Its end stays readable by xid, from any process, until the xid is reused.
        #expect(try await sandbox.system.wait(xid: result.xid) == result.exit)
        await #expect(throws: VirError.self) { _ = try await sandbox.system.wait(xid: 60001) }
    }

    @Test func theCgroupNamespaceIsRootedAtTheContextsCgroups() async throws {
        let sandbox = try ContextSandbox()
        let result = try await sandbox.run(["/bin/cat", "/proc/self/cgroup"])
        let lines = result.output.split(separator: "\n")
        #expect(lines.contains { $0.contains(":pids:") || $0.contains(":memory:") }, "\(result.output)")
        #expect(lines.allSatisfy { $0.hasSuffix(":/") }, "\(result.output)")
    }

    @Test func aContextNobodyWaitedForLeavesNoCgroups() async throws {
        let sandbox = try ContextSandbox()
        let running = try sandbox.start(["/bin/true"])
        _ = try await running.initProcess.wait()
        let directories = try running.context.cgroup().directories
        #expect(directories.contains { FileManager.default.fileExists(atPath: $0) })
        #expect(sandbox.system.list().isEmpty)
        #expect(!directories.contains { FileManager.default.fileExists(atPath: $0) })
    }

    @Test func infoTaskXIDAndStatSeeTheContextFromOutside() async throws {
        let sandbox = try ContextSandbox()
        let running = try sandbox.start(["/bin/sh", "-c", "sleep 30 & wait"])
        let context = running.context
        #expect(context.info().initPID == running.initProcess.pid)
        #expect(sandbox.system.list().contains(context.xid))
        #expect(try sandbox.system.taskXID(pid: running.initProcess.pid) == context.xid)
        #expect(try sandbox.system.taskXID(pid: getpid()) == 0)
        expectContextError(.invalidArg) { _ = try sandbox.system.taskXID(pid: -4) }
        for _ in 0..<200 where try context.stat().tasks < 2 { try await Task.sleep(for: .milliseconds(5)) }
        let stat = try context.stat()
        #expect(stat.tasks == 2 && stat.threads >= 2)
        #expect(stat.forks >= 1)
        let sleeper = try #require(try context.cgroup().processes().first { $0 != running.initProcess.pid })
        #expect(try sandbox.system.taskXID(pid: sleeper) == context.xid)
        expectContextError(.invalidArg) { try context.kill(pid: getpid(), signal: 0) }
        try context.kill(pid: sleeper, signal: SIGTERM)
        let exit = try await context.wait()
        #expect(exit.exitCode == 0)  // the shell's `wait` returned, and so did the shell
    }

    @Test func killZeroEndsEveryProcessAndWaitReportsTheSignal() async throws {
        let sandbox = try ContextSandbox()
        let running = try sandbox.start(["/bin/sh", "-c", "sleep 30 & sleep 30 & wait"])
        try await Task.sleep(for: .milliseconds(100))
        try running.context.kill(pid: 0, signal: SIGKILL)
        let exit = try await running.context.wait()
        #expect(exit.signal == SIGKILL)
        #expect(try running.initProcess.exitStatus() != nil)
    }

    @Test func dynamicXIDsAreHandedOutInTurnSoADeadContextsEndStaysReadable() async throws {
        let sandbox = try ContextSandbox()
        // Far from where every fresh root starts, so that other suites' containers (whose
        // cgroups share the xid space) do not take the xids this test expects.
        sandbox.system.dynamicCursor.handedOut(ContextSystem.dynamicXIDs.upperBound - 1000)
        let first = try sandbox.startDynamic(["/bin/sh", "-c", "exit 3"])
        #expect(ContextSystem.dynamicXIDs.contains(first.context.xid))
        #expect(try await first.wait().exitCode == 3)
        let second = try sandbox.startDynamic(["/bin/true"])
        #expect(second.context.xid > first.context.xid, "the next one, not the dead context's xid again")
        #expect(try await second.wait().exitCode == 0)
        #expect(try await sandbox.system.wait(xid: first.context.xid).exitCode == 3)
        // Once the turn comes round again, the dead context's xid is handed out anew.
        let xid = first.context.xid
        sandbox.system.dynamicCursor.handedOut(xid - 1)
        let third = try sandbox.startDynamic(["/bin/true"])
        #expect(third.context.xid == xid)
        #expect(try await third.wait().exitCode == 0)
    }

    @Test func anXIDWhoseCgroupsSomethingElseUsesIsRefusedAndTheirsIsLeftAlone() async throws {
        let sandbox = try ContextSandbox()
        let xid = sandbox.freshXID()
        let foreign = try sandbox.system.cgroups.create(try ContextSystem.cgroupPath(xid), controllers: [.freezer])
        defer { try? foreign.remove() }
        expectContextError(.operationInvalid) { _ = try sandbox.system.create(xid: xid, command: ["/bin/true"]) }
        #expect(foreign.directories.allSatisfy { access($0, F_OK) == 0 })
        #expect(!sandbox.system.store.hasRecord(xid))
        let memory = try sandbox.system.cgroups.cgroup(at: try ContextSystem.cgroupPath(xid), controllers: [.memory])
        #expect(memory.directories.allSatisfy { access($0, F_OK) != 0 })
    }

    @Test func aDeadContextWhoseXIDAnotherRootTookIsNotMistakenForIt() async throws {
        let first = try ContextSandbox(), second = try ContextSandbox()
        let ended = try first.start(["/bin/true"])
        let xid = ended.context.xid
        #expect(try await ended.wait().exitCode == 0)  // its cgroups are gone; its record stays
        let other = try second.start(["/bin/sleep", "100"], xid: xid)
        expectContextError(.noDomain) { _ = try first.system.context(xid) }
        #expect(!first.system.list().contains(xid))  // and listing it did not remove the other's cgroups
        #expect(try second.system.context(xid).info().initPID == other.initProcess.pid)
        try other.context.kill(pid: 0, signal: SIGKILL)
        _ = try await other.wait()
    }

    @Test func theDynamicXIDCursorWrapsAround() {
        let cursor = DynamicXIDCursor()
        let range = ContextSystem.dynamicXIDs
        #expect(cursor.candidates().first == range.lowerBound && cursor.candidates().count == range.count)
        cursor.handedOut(50000)
        #expect(Array(cursor.candidates().prefix(2)) == [50001, 50002] && Array(cursor.candidates()).last == 50000)
        cursor.handedOut(range.upperBound)
        #expect(cursor.candidates().first == range.lowerBound)
        #expect(Set(cursor.candidates()) == Set(range))
    }

    @Test func badInputIsRefusedAndChangesNothing() async throws {
        let sandbox = try ContextSandbox()
        expectContextError(.invalidArg) { _ = try sandbox.system.create(xid: 0, command: ["/bin/true"]) }
        expectContextError(.invalidArg) { _ = try sandbox.system.create(xid: 70000, command: ["/bin/true"]) }
        expectContextError(.invalidArg) { _ = try sandbox.system.create(xid: sandbox.freshXID(), command: ["true"]) }
        var unknown = ContextOptions()
        unknown.flags = ContextFlags(rawValue: 1 << 60)
        expectContextError(.invalidArg) { _ = try sandbox.system.create(xid: sandbox.freshXID(), command: ["/bin/true"], options: unknown) }
        var refused = ContextOptions()
        refused.flags = [.virtMem]
        expectContextError(.operationUnsupported) { _ = try sandbox.system.create(xid: sandbox.freshXID(), command: ["/bin/true"], options: refused) }
        var longName = ContextOptions()
        longName.uname[.release] = String(repeating: "x", count: 65)
        expectContextError(.invalidArg) { _ = try sandbox.system.create(xid: sandbox.freshXID(), command: ["/bin/true"], options: longName) }
        expectContextError(.invalidArg) { _ = try sandbox.system.create(xid: sandbox.freshXID(), command: ["/nonexistent"]) }
        #expect(sandbox.system.list().isEmpty)

        let running = try sandbox.start(["/bin/sleep", "30"])
        expectContextError(.operationInvalid) { _ = try sandbox.system.create(xid: running.context.xid, command: ["/bin/true"]) }
        try running.context.kill(pid: 1, signal: SIGKILL)
        _ = try await running.context.wait()
        expectContextError(.noDomain) { _ = try sandbox.system.context(running.context.xid) }
    }
}
