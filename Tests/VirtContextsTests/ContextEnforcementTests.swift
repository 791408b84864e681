import Foundation
import Testing
import VirtError
import VirtSystem
@testable import VirtContexts

@Suite("Security contexts: capabilities, flags and uname, observed from inside", .enabled(if: canCreateContexts, "needs root, namespaces and cgroups"), .serialized)
struct ContextEnforcementTests {
    @Test func unameShowsTheContextsValuesAndFollowsChanges() async throws {
        let sandbox = try ContextSandbox()
        var options = ContextOptions()
        options.uname = [.sysname: "VServer", .release: "2.6.99-vs", .version: "#1 SwiftVirt", .machine: "vx86", .nodename: "guest1", .domainname: "example"]
        let result = try await sandbox.run(["/bin/sh", "-c", "uname -snrvm; hostname; cat /proc/sys/kernel/domainname"], options: options)
        #expect(result.output == "VServer guest1 2.6.99-vs #1 SwiftVirt vx86\nguest1\nexample\n")
        #expect(result.exit.exitCode == 0)

        let running = try sandbox.start(["/bin/sleep", "30"], options: options)
        try running.context.setUname(.release, "3.0-changed")
        try running.context.setUname(.nodename, "renamed")
        #expect(running.context.uname(.release) == "3.0-changed")
        #expect(running.context.uname(.nodename) == "renamed")
        #expect(running.context.uname(.sysname) == "VServer")
        #expect(hostName() != "renamed")
        expectContextError(.invalidArg) { try running.context.setUname(.machine, String(repeating: "m", count: 70)) }
        try running.context.kill(pid: 0, signal: SIGKILL)
        _ = try await running.context.wait()
    }

    @Test func setUtsnameCapabilityGatesSethostname() async throws {
        let sandbox = try ContextSandbox()
        let denied = try await sandbox.run(["/bin/sh", "-c", "hostname nope 2>&1; echo rc=$?"])
        #expect(denied.output.hasSuffix("rc=1\n"), "\(denied.output)")
        var allowed = ContextOptions()
        allowed.capabilities = [.setUtsname]
        let done = try await sandbox.run(["/bin/sh", "-c", "hostname yes && hostname"], options: allowed)
        #expect(done.output == "yes\n")
    }

    @Test func mountCapabilitiesGateMountAndRemount() async throws {
        let sandbox = try ContextSandbox()
        let script = "mkdir -p /tmp/vxm; mount -t tmpfs none /tmp/vxm 2>/dev/null; echo m=$?; mount -o remount,ro / 2>/dev/null; echo r=$?"
        let none = try await sandbox.run(["/bin/sh", "-c", script])
        #expect(none.output == "m=32\nr=32\n")
        var mounts = ContextOptions()
        mounts.capabilities = [.secureMount]
        let some = try await sandbox.run(["/bin/sh", "-c", "mkdir -p /tmp/vxm; mount -t tmpfs none /tmp/vxm; echo m=$?"], options: mounts)
        #expect(some.output == "m=0\n")
    }

    @Test func boundingSetIsAppliedToProcesses() async throws {
        let sandbox = try ContextSandbox()
        var options = ContextOptions()
        var set = ContextOptions.defaultBoundingSet
        set.remove(.netRaw)
        options.boundingSet = set
        let result = try await sandbox.run(["/bin/sh", "-c", "grep CapBnd /proc/self/status"], options: options)
        let mask = try #require(result.output.split(separator: "\t").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
        #expect(UInt64(mask, radix: 16) == set.rawValue)
        let running = try sandbox.start(["/bin/sleep", "30"], options: options)
        #expect(running.context.boundingSet() == set)
        try running.context.setBoundingSet(set, mask: set)
        expectContextError(.operationUnsupported) { try running.context.setBoundingSet([], mask: set) }
        try running.context.kill(pid: 0, signal: SIGKILL)
        _ = try await running.context.wait()
    }

    @Test func schedPauseFreezesTheContext() async throws {
        let sandbox = try ContextSandbox()
        let counter = sandbox.root + "/counter"
        let running = try sandbox.start(["/bin/sh", "-c", "i=0; while true; do i=$((i+1)); echo $i > \(counter); done"])
        try await Task.sleep(for: .milliseconds(200))
        try running.context.setFlags(.schedPause, mask: .schedPause)
        #expect(running.context.flags().contains(.schedPause))
        let frozenAt = try String(contentsOfFile: counter, encoding: .utf8)
        try await Task.sleep(for: .milliseconds(300))
        #expect(try String(contentsOfFile: counter, encoding: .utf8) == frozenAt)
        #expect(try running.context.stat().onHold >= 1)
        try running.context.setFlags([], mask: .schedPause)
        var resumed = false
        for _ in 0..<50 where !resumed {
            try await Task.sleep(for: .milliseconds(100))
            resumed = (try? String(contentsOfFile: counter, encoding: .utf8)) != frozenAt
        }
        #expect(resumed, "the context made no progress after being thawed")
        try running.context.kill(pid: 0, signal: SIGKILL)
        _ = try await running.context.wait()
    }

    @Test func aContextWhoseShellVforksAllTheTimeAlwaysFreezes() async throws {
        // dash vforks each command: a parent that goes to sleep for its child just after the
        // freeze request is only frozen if the request is repeated.
        let sandbox = try ContextSandbox()
        let running = try sandbox.start(["/bin/sh", "-c", "while :; do /bin/true; done"])
        for _ in 0..<200 {
            try running.context.setFlags(.schedPause, mask: .schedPause)  // throws if it timed out
            try running.context.setFlags([], mask: .schedPause)
        }
        try running.context.kill(pid: 0, signal: SIGKILL)
        _ = try await running.context.wait()
    }

    @Test func flagRulesRefuseWhatCannotBeDone() async throws {
        let sandbox = try ContextSandbox()
        var options = ContextOptions()
        options.flags = [.infoInit, .infoNspace, .stateSetup]
        let running = try sandbox.start(["/bin/sleep", "30"], options: options)
        let context = running.context
        expectContextError(.operationInvalid) { try context.setFlags(.hideNetif, mask: .hideNetif) }
        expectContextError(.operationUnsupported) { try context.setFlags(.virtLoad, mask: .virtLoad) }
        expectContextError(.invalidArg) { try context.setFlags(ContextFlags(rawValue: 1 << 63), mask: ContextFlags(rawValue: 1 << 63)) }
        try context.setFlags([], mask: .stateSetup)
        expectContextError(.operationInvalid) { try context.setFlags(.stateSetup, mask: .stateSetup) }
        #expect(context.flags() == [.infoInit, .infoNspace])
        try context.kill(pid: 0, signal: SIGKILL)
        _ = try await context.wait()
    }

    @Test func persistentContextOutlivesItsLastProcess() async throws {
        let sandbox = try ContextSandbox()
        var options = ContextOptions()
        options.flags = [.infoInit, .infoNspace, .persistent]
        let running = try sandbox.start(["/bin/true"], options: options)
        try await Task.sleep(for: .milliseconds(200))
        #expect(sandbox.system.list().contains(running.context.xid))
        try running.context.setFlags([], mask: .persistent)
        let exit = try await running.context.wait()
        #expect(exit.exitCode == 0)
    }

    @Test func rebootEndsTheContextOnlyWithRebootKill() async throws {
        let sandbox = try ContextSandbox()
        let call = "import ctypes, os; r = ctypes.CDLL(None, use_errno=True).reboot(0x4321FEDC); print(r, ctypes.get_errno())"
        let refused = try await sandbox.run(["/usr/bin/python3", "-c", call])
        #expect(refused.output == "-1 1\n")
        var options = ContextOptions()
        options.flags = [.infoInit, .infoNspace, .rebootKill]
        let ended = try await sandbox.run(["/usr/bin/python3", "-c", call], options: options)
        #expect(ended.exit.reboot == .poweroff)
    }

    @Test func virtualUptimeStartsAtCreation() async throws {
        let sandbox = try ContextSandbox()
        var options = ContextOptions()
        options.flags = [.infoInit, .infoNspace, .virtUptime]
        let result = try await sandbox.run(["/bin/cat", "/proc/uptime"], options: options)
        let seconds = try #require(Double(result.output.split(separator: " ").first ?? ""))
        #expect(seconds < 5)
    }
}

func hostName() -> String {
    var buffer = [UInt8](repeating: 0, count: 256)
    _ = buffer.withUnsafeMutableBytes { gethostname($0.baseAddress!.assumingMemoryBound(to: CChar.self), 255) }
    return String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self)
}
