import JSON
import Foundation
import TestSupport
import Testing
@testable import VirshCommands
import VirtContexts

/// A private `--root` for vx commands; every context created under it is killed and waited
/// for afterwards, also when the test fails.
final class VXSandbox: @unchecked Sendable {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("virtsh-vx-\(UUID().uuidString)").path

    /// A fresh xid, cleaned up at the end.
    func xid() -> UInt32 {
        TestXIDs.fresh()
    }

    /// Runs `virtsh COMMAND --root ROOT ARGUMENTS...` without a connection.
    func run(_ command: String, _ arguments: String...) async -> Run {
        await run(command, arguments)
    }

    /// Runs `virtsh COMMAND --root ROOT ARGUMENTS...` without a connection.
    func run(_ command: String, _ arguments: [String]) async -> Run {
        let out = TextBuffer(), err = TextBuffer()
        let status = await Virsh.main(arguments: [command, "--root", root] + arguments, environment: [:], output: out, errors: err)
        return Run(out: out.text, err: err.text, status: status)
    }

    /// Runs `vx-wait XID ARGUMENTS...` while `vx-kill XID KILL...` ends the context: the wait
    /// must find the context alive, so it starts first.
    func killAndWait(_ id: String, kill: [String], wait arguments: String...) async throws -> (kill: Run, wait: Run) {
        async let waited = run("vx-wait", [id] + arguments)
        try await Task.sleep(for: .milliseconds(300))
        let killed = await run("vx-kill", [id] + kill)
        return (killed, await waited)
    }

    /// Runs `body`, then kills and waits for every context it made, and removes the root.
    static func with(_ body: (VXSandbox) async throws -> Void) async throws {
        let sandbox = VXSandbox()
        var failure: (any Error)?
        do { try await body(sandbox) } catch { failure = error }
        (try? ContextSystem(root: sandbox.root))?.destroyEverything()
        try? FileManager.default.removeItem(atPath: sandbox.root)
        if let failure { throw failure }
    }
}

/// The value of `label` in `label value` output lines.
private func value(_ label: String, in text: String) -> String? {
    text.split(separator: "\n").first { $0.hasPrefix(label + " ") }.map { $0.dropFirst(label.count).trimmingCharacters(in: .whitespaces) }
}

/// The one JSON object printed on `text`'s first line.
private func object(_ text: String) throws -> [String: Any] {
    try #require(try json(text.split(separator: "\n").first ?? "") as? [String: Any])
}

@Suite("virtsh vx-* commands", .enabled(if: getuid() == 0, "needs root to create security contexts"), .serialized)
struct ContextCommandsTests {
    @Test func detachedContextIsListedInspectedChangedKilledAndWaitedFor() async throws {
        try await VXSandbox.with { box in
            let xid = box.xid(), id = "\(xid)"
            let created = await box.run("vx-create", id, "--detach", "--flag", "persistent", "--ccap", "SET_UTSNAME",
                                        "--uname", "nodename=box", "--uname", "context=web", "--", "/bin/sleep", "30")
            #expect(created.status == 0, "\(created.err)")
            #expect(value("Xid:", in: created.out) == id)
            let initPID = try #require(value("Init pid:", in: created.out))

            let list = await box.run("vx-list")
            let rows = list.out.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
            #expect(rows.first == ["Xid", "Init", "pid", "Name", "Tasks"] && rows.contains { $0.prefix(3) == [id, initPID, "web"] }, "\(list.out)")
            #expect(value("Init pid:", in: await box.run("vx-info", id).out) == initPID)
            #expect(await box.run("vx-task-xid", initPID).out == "\(id)\n\n")
            let stat = await box.run("vx-stat", id)
            #expect(Int(value("Tasks:", in: stat.out) ?? "") ?? 0 >= 1 && value("Uninterruptible:", in: stat.out) != nil, "\(stat.out)")

            #expect(value("Names:", in: await box.run("vx-flags", id).out) == "INFO_INIT,INFO_NSPACE,PERSISTENT")
            #expect(value("Names:", in: await box.run("vx-flags", id, "--set", "sched_pause").out) == "INFO_INIT,INFO_NSPACE,SCHED_PAUSE,PERSISTENT")
            #expect(value("On hold:", in: await box.run("vx-stat", id).out) == value("Threads:", in: await box.run("vx-stat", id).out))
            #expect(value("Names:", in: await box.run("vx-flags", id, "--clear", "VXF_SCHED_PAUSE").out) == "INFO_INIT,INFO_NSPACE,PERSISTENT")

            #expect(value("Ccaps:", in: await box.run("vx-caps", id).out) == "0x1")
            let caps = await box.run("vx-caps", id, "--set", "raw_icmp", "--clear", "utsname")
            #expect(value("Names:", in: caps.out) == "RAW_ICMP", "\(caps.err)")
            let bcaps = try #require(value("Names:", in: await box.run("vx-caps", id, "--bcaps").out))
            #expect(bcaps.contains("CAP_CHOWN") && !bcaps.contains("CAP_SYS_MODULE"))

            let uname = await box.run("vx-uname", id)
            #expect(value("context:", in: uname.out) == "web" && value("nodename:", in: uname.out) == "box", "\(uname.out)")
            #expect(await box.run("vx-uname", id, "release", "9.9-vs").status == 0)
            #expect(await box.run("vx-uname", id, "RELEASE").out == "9.9-vs\n\n")

            let (killed, waited) = try await box.killAndWait(id, kill: ["--signal", "KILL"])
            #expect(killed.status == 0 && killed.out.hasPrefix("Signal 9 sent to every process of security context \(id)\n"))
            #expect(waited.status == 0 && value("Signal:", in: waited.out) == "9", "\(waited.out)\(waited.err)")
            #expect(await box.run("vx-info", id).err == "error: vx_info(\(id)): Domain not found: no security context with id \(id)\n")
        }
    }

    @Test func foregroundCreateExitsWithTheFirstProcessStatus() async throws {
        try await VXSandbox.with { box in
            let exited = await box.run("vx-create", "\(box.xid())", "--", "/bin/sh", "-c", "exit 3")
            #expect(exited.status == 3, "\(exited.err)")
            #expect(exited.out == "\n")
            // Without a pid namespace of its own, the first process is no pid 1, which the
            // kernel would shield from its own signals.
            let killed = await box.run("vx-create", "\(box.xid())", "--flags", "INFO_NSPACE", "--json", "--", "/bin/sh", "-c", "kill -TERM $$")
            #expect(killed.status == 128 + SIGTERM, "\(killed.err)")
            let document = try object(killed.out)
            #expect(document["signal"] as? Int == Int(SIGTERM) && document["exitCode"] is NSNull && document["reboot"] is NSNull)
        }
    }

    @Test func migrateRunsACommandInsideALiveContext() async throws {
        try await VXSandbox.with { box in
            let id = "\(box.xid())"
            #expect(await box.run("vx-create", id, "--detach", "--uname", "nodename=inside", "--", "/bin/sleep", "30").status == 0)
            let inside = await box.run("vx-migrate", id, "--", "/bin/sh", "-c", "[ \"$(uname -n)\" = inside ] && exit 4; exit 5")
            #expect(inside.status == 4, "\(inside.err)")
            let detached = try object(await box.run("vx-migrate", id, "--detach", "--json", "--", "/bin/sleep", "30").out)
            let pid = try #require(detached["pid"] as? Int)
            #expect(await box.run("vx-task-xid", "\(pid)").out == "\(id)\n\n")
            #expect(await box.run("vx-migrate", id, "--", "sleep").err.hasPrefix("error: vx_migrate(\(id)): "))
        }
    }

    @Test func jsonOutputParses() async throws {
        try await VXSandbox.with { box in
            let xid = box.xid(), id = "\(xid)"
            let created = try object(await box.run("vx-create", id, "--detach", "--json", "--flags", "info_init,0x80", "--nproc", "50",
                                                   "--memory", "256M", "--bcap-drop", "CAP_NET_RAW", "--", "/bin/sleep", "30").out)
            #expect(created["xid"] as? Int == Int(xid) && (created["initPid"] as? Int ?? 0) > 0)
            let list = try #require(try json(await box.run("vx-list", "--json").out.dropLast()) as? [[String: Any]])
            #expect(list.contains { $0["xid"] as? Int == Int(xid) && $0["tasks"] is Int && $0["name"] as? String == id })
            #expect(try object(await box.run("vx-info", id, "--json").out)["initPid"] as? Int == created["initPid"] as? Int)
            let stat = try object(await box.run("vx-stat", id, "--json").out)
            #expect(stat["tasks"] is Int && (stat["load"] as? [Int])?.count == 3 && stat["uptimeNs"] is Int)
            let flags = try object(await box.run("vx-flags", id, "--json").out)
            #expect(flags["names"] as? [String] == ["INFO_NPROC", "INFO_INIT", "INFO_NSPACE"] && flags["flags"] as? Int == 0x94)
            #expect(try object(await box.run("vx-caps", id, "--json").out)["names"] as? [String] == [])
            let bcaps = try object(await box.run("vx-caps", id, "--bcaps", "--json").out)
            #expect((bcaps["names"] as? [String])?.contains("CAP_NET_RAW") == false)
            #expect(try object(await box.run("vx-uname", id, "--json").out)["context"] as? String == id)
            #expect(try object(await box.run("vx-uname", id, "nodename", "--json").out).keys.sorted() == ["nodename", "xid"])
            let (killed, waitedRun) = try await box.killAndWait(id, kill: ["--pid", "1", "--signal", "9", "--json"], wait: "--json")
            #expect(try object(killed.out)["signal"] as? Int == 9)
            let waited = try object(waitedRun.out)
            #expect(waited["xid"] as? Int == Int(xid) && waited["signal"] as? Int == 9)
        }
    }

    @Test func errorsNameTheCallAndTheReason() async throws {
        try await VXSandbox.with { box in
            let xid = box.xid(), id = "\(xid)"
            #expect(await box.run("vx-info", "abc").err.hasPrefix("error: vx_info(abc): invalid context id 'abc'"))
            #expect(await box.run("vx-create", "0", "--", "/bin/true").err.hasPrefix("error: vx_create(0): invalid context id 0"))
            let unknown = await box.run("vx-create", id, "--flag", "bogus", "--", "/bin/true")
            #expect(unknown.status == 1 && unknown.err == "error: vx_create(\(id)): unknown context flag 'bogus'\n")
            let refused = await box.run("vx-create", id, "--json", "--flag", "virt_mem", "--", "/bin/true")
            let error = try #require(try object(refused.err)["error"] as? [String: Any])
            #expect(error["code"] as? Int == 84 && (error["message"] as? String)?.hasPrefix("vx_create(\(id)): ") == true)
            #expect((error["message"] as? String)?.contains("is refused: virtualising /proc/meminfo") == true)
            #expect(await box.run("vx-kill", id).err.hasPrefix("error: vx_kill(\(id)): Domain not found: no security context with id"))
            #expect(await box.run("vx-kill", id, "--signal", "FOO").err == "error: vx_kill(\(id)): unknown signal 'FOO'\n")
            #expect(await box.run("vx-uname", id, "shoesize").err.hasPrefix("error: vx_uname_get(\(id)): "))

            #expect(await box.run("vx-create", id, "--detach", "--", "/bin/sleep", "30").status == 0)
            let again = await box.run("vx-create", id, "--detach", "--", "/bin/sleep", "30")
            #expect(again.err.hasPrefix("error: vx_create(\(id)): Requested operation is not valid: security context \(id) already exists"))
            #expect(await box.run("vx-uname", id, "shoesize").err.hasPrefix("error: vx_uname_get(\(id)): unknown uname field 'shoesize'"))
            #expect(await box.run("vx-flags", id, "--set", "virt_load").err.hasPrefix("error: vx_flags_set(\(id)): "))
            #expect(await box.run("vx-flags", id, "--set", "hide_netif").err.contains("can only be chosen when it is created"))
            #expect(await box.run("vx-caps", id, "--bcaps", "--clear", "CAP_CHOWN").err.hasPrefix("error: vx_bcaps_set(\(id)): "))
            #expect(await box.run("vx-kill", id, "--pid", "\(getpid())").err.hasPrefix("error: vx_kill(\(id)): process \(getpid()) is not in security context"))
        }
    }
}
