import Synchronization
import JSON
import Foundation
import Testing
@testable import VirshCommands
import SwiftVirt

/// What one virtsh invocation printed and returned.
struct Run {
    var out: String
    var err: String
    var status: Int32
}

/// Runs virtsh in-process against `test:///default` (unless `arguments` pick another URI).
func virtsh(_ arguments: String..., connect: Bool = true, env: [String: String] = [:]) async -> Run {
    let out = TextBuffer()
    let err = TextBuffer()
    let status = await Virsh.main(
        arguments: (connect ? ["-c", "test:///default"] : []) + arguments, environment: env, output: out, errors: err)
    return Run(out: out.text, err: err.text, status: status)
}

/// Writes `text` to a new temporary file and returns its path.
func temporaryFile(_ text: String, name: String = UUID().uuidString + ".xml") throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(name)
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url.path
}

/// A small domain definition for tests that define or create domains.
func domainXML(_ name: String, uuid: String) -> String {
    """
    <domain type='test'>
      <name>\(name)</name>
      <uuid>\(uuid)</uuid>
      <memory unit='KiB'>1048576</memory>
      <currentMemory unit='KiB'>524288</currentMemory>
      <vcpu placement='static' current='2'>4</vcpu>
      <os><type arch='i686'>hvm</type></os>
    </domain>
    """
}

/// Parses one line of JSON output.
func json(_ line: Substring) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(line.utf8))
}

/// End-to-end runs. They share the process-wide `test:///default` state, so they run one
/// at a time; each invocation closes its connection, which resets that state.
@Suite(.serialized) struct EndToEndTests {
    @Test func uriAndTheBlankLineAfterEachCommand() async {
        let run = await virtsh("uri; hostname")
        #expect(run.out.hasPrefix("test:///default\n\n"))
        #expect(run.out.hasSuffix("\n\n"))
        #expect(run.status == 0)
        #expect(await virtsh("-q", "uri").out == "test:///default\n")
    }

    @Test func separateArgumentWordsFormOneCommand() async {
        let run = await virtsh("list", "--all")
        #expect(run.out == " Id   Name   State\n----------------------\n 1    test   running\n\n")
        #expect(await virtsh("uri", "hostname").err == "error: unexpected data 'hostname'\n")
    }

    @Test func listVariants() async {
        #expect(await virtsh("list --name").out == "test\n\n")
        #expect(await virtsh("list --uuid --name").out == "6695eb01-f6a4-8304-79aa-97f2502e193f test\n\n")
        #expect(await virtsh("list --inactive").out == " Id   Name   State\n--------------------\n\n")
        #expect(await virtsh("list --title").out == " Id   Name   State     Title\n------------------------------\n 1    test   running   \n\n")
        let conflict = await virtsh("list --table --name")
        #expect(conflict.err == "error: Options --table and --name are mutually exclusive\n")
        #expect(conflict.out == "\n" && conflict.status == 1)
    }

    @Test func dominfoAndLookups() async {
        let run = await virtsh("dominfo 1")
        #expect(run.out.hasPrefix("Id:             1\nName:           test\nUUID:           6695eb01-f6a4-8304-79aa-97f2502e193f\n"))
        #expect(run.out.contains("Max memory:     8388608 KiB\nUsed memory:    2097152 KiB\nPersistent:     yes\n"))
        #expect(run.out.hasSuffix("Security label: libvirt-test (enforcing)\n\n"))
        #expect(await virtsh("domstate 6695EB01-F6A4-8304-79AA-97F2502E193F --reason").out == "running (unknown)\n\n")
        #expect(await virtsh("domid 1").err == "error: failed to get domain '1'\n")
        #expect(await virtsh("domname 1; domuuid test").out == "test\n\n6695eb01-f6a4-8304-79aa-97f2502e193f\n\n")
    }

    @Test func unknownDomainContinuesWithTheNextCommand() async {
        let run = await virtsh("domstate nosuch; uri")
        #expect(run.err == "error: failed to get domain 'nosuch'\n")
        #expect(run.out == "\ntest:///default\n\n")
        #expect(run.status == 0)
        #expect(await virtsh("uri; domstate nosuch").status == 1)
    }

    @Test func parseErrorsRunNothing() async {
        for (command, message) in [
            ("uri; nosuch", "error: unknown command: 'nosuch'\n"),
            ("uri; list --bogus", "error: command 'list' doesn't support option --bogus\n"),
            ("uri; domstate", "error: command 'domstate' requires <domain> option\n"),
            ("setmem test", "error: command 'setmem' requires --size option\n"),
            ("domstate \"x", "error: missing \"\n"),
        ] {
            let run = await virtsh(command)
            #expect(run.out == "")
            #expect(run.err == message)
            #expect(run.status == 1)
        }
    }

    @Test func emptyOptionValueIsARuntimeError() async {
        let run = await virtsh("domstate --domain=")
        #expect(run.err == "error: Failed to get option 'domain': Option argument is empty\n")
        #expect(run.out == "\n" && run.status == 1)
    }

    @Test func lifecycle() async {
        let run = await virtsh("suspend test; domstate test --reason; resume test; destroy test; domstate test --reason; start test; domid test")
        #expect(run.out == """
            Domain 'test' suspended

            paused (user)

            Domain 'test' resumed

            Domain 'test' destroyed

            shut off (destroyed)

            Domain 'test' started

            2


            """)
        #expect(run.status == 0)
    }

    /// `restore --verbose` (virsh 9.0 has no restore progress): the image's domain is found
    /// by the name in its XML, and the line ends at 100 %.
    @Test func restoreShowsProgress() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString + ".sav").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        let run = await virtsh("save test \(file); restore \(file) --verbose; domstate test --reason; restore /nonexistent/x.sav --verbose")
        #expect(run.out.contains("\nDomain restored from \(file)\n") && run.out.contains("running (restored)"), "\(run.out)")
        #expect(run.err.hasPrefix("\rRestore: [100 %]"), "\(run.err)")
        #expect(run.err.contains("error: Failed to restore domain from /nonexistent/x.sav"), "\(run.err)")
        #expect(run.status == 1)
    }

    @Test func wrongStateErrors() async {
        let run = await virtsh("resume test; start test; destroy test; destroy test")
        #expect(run.err == """
            error: Failed to resume domain 'test'
            error: internal error: domain 'test' not paused
            error: Domain is already active
            error: Failed to destroy domain 'test'
            error: Requested operation is not valid: domain is not running

            """)
        #expect(run.status == 1)
    }

    @Test func defineStartUndefine() async throws {
        let file = try temporaryFile(domainXML("e2e-define", uuid: "0e2e0000-0000-4000-8000-000000000001"))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let run = await virtsh("define \(file); dominfo e2e-define; start e2e-define; undefine e2e-define; destroy e2e-define; list --all --name")
        #expect(run.out.hasPrefix("Domain 'e2e-define' defined from \(file)\n\nId:             -\nName:           e2e-define\n"))
        #expect(run.out.contains("Domain 'e2e-define' started\n\nDomain 'e2e-define' has been undefined\n\nDomain 'e2e-define' destroyed\n\ntest\n\n"))
        #expect(run.status == 0)
        #expect(await virtsh("define /nonexistent/file.xml").err == "error: Failed to open file '/nonexistent/file.xml': No such file or directory\n")
    }

    @Test func readOnlyRefusesChanges() async {
        let run = await virtsh("-r", "dominfo test; suspend test; domstate test")
        #expect(run.err == "error: Failed to suspend domain 'test'\nerror: operation forbidden: read only access prevents virDomainSuspend\n")
        #expect(run.out.hasSuffix("\n\nrunning\n\n"))
        #expect(run.status == 0)
    }

    @Test func memoryAndNumbers() async {
        let run = await virtsh("setmem test 1G; dominfo test")
        #expect(run.out.contains("Used memory:    1048576 KiB"))
        #expect(await virtsh("setmem test abc").err == "error: Scaled numeric value 'abc' for <size> option is malformed or out of range\n")
        #expect(await virtsh("setmem test 1XB").err == """
            error: Scaled numeric value '1XB' for <size> option is malformed or out of range
            error: invalid argument: unknown suffix 'XB'

            """)
        #expect(await virtsh("setvcpus test -1").err == "error: Numeric value '-1' for <count> option is malformed or out of range\n")
        #expect(await virtsh("setvcpus test 0").err == "error: Can't set 0 processors for a VM\n")
        #expect(await virtsh("setmem test 1 --current --live").err == "error: Options --current and --live are mutually exclusive\n")
    }

    @Test func vcpus() async {
        #expect(await virtsh("vcpucount test").out == "maximum      config         2\nmaximum      live           2\ncurrent      config         2\ncurrent      live           2\n\n")
        #expect(await virtsh("vcpupin test 0 1; vcpupin test").out == "\n VCPU   CPU Affinity\n----------------------\n 0      1\n 1      0-7\n\n")
        #expect(await virtsh("vcpupin test 0 16").err == "error: CPU 16 in cpulist '16' exceed the maxcpu 8\n")
        let info = await virtsh("vcpuinfo test --pretty")
        #expect(info.out.hasPrefix("VCPU:           0\nCPU:            15\nState:          running\nCPU time:       "))
        #expect(info.out.hasSuffix("CPU Affinity:   0-7 (out of 8)\n\n"))
    }

    @Test func snapshots() async {
        let run = await virtsh("snapshot-create-as test a; snapshot-create-as test b; snapshot-create-as test c; snapshot-current test a; snapshot-create-as test d; snapshot-list test --tree; snapshot-parent test c; snapshot-info test --current")
        #expect(run.out.hasPrefix("Domain snapshot a created\nDomain snapshot b created\nDomain snapshot c created\nSnapshot a set as current\nDomain snapshot d created\n"))
        #expect(run.out.contains("a\n  |\n  +- b\n  |   |\n  |   +- c\n  |     \n  +- d\n    \n\nb\n"))
        #expect(run.out.hasSuffix("Name:           d\nDomain:         test\nCurrent:        yes\nState:          running\nLocation:       internal\nParent:         a\nChildren:       0\nDescendants:    0\nMetadata:       yes\n\n"))
        #expect(await virtsh("snapshot-current test").err == "error: domain 'test' has no current snapshot\n")
        #expect(await virtsh("snapshot-revert test").err == "error: --snapshotname or --current is required\n")
        #expect(await virtsh("snapshot-create-as test s1 'a <b>' --print-xml").out == "<domainsnapshot>\n  <name>s1</name>\n  <description>a &lt;b&gt;</description>\n</domainsnapshot>\n\n\n")
    }

    @Test func eventsArePrintedAsTheyHappen() async throws {
        let connection = try await Connection.open("test:///default")
        // A domain of the test's own: other suites share this process's test:///default and
        // change its "test" domain meanwhile.
        let domain = try await connection.createDomain(xml: domainXML("e2e-events", uuid: "0e2e0000-0000-4000-8000-0000000000e7"))
        // The domain is paused and resumed until virtsh is done: however late its start (the
        // QEMU suites load the machine), it sees an event happen while it waits. Without
        // --loop virtsh ends at the first event; the timeout only bounds a starved pool.
        let done = Mutex(false)
        let trigger = Task {
            while !done.withLock({ $0 }) {
                try await Task.sleep(for: .milliseconds(200))
                try await domain.suspend()
                try await domain.resume()
            }
        }
        let run = await virtsh("event --domain e2e-events --all --timeout 60")
        done.withLock { $0 = true }
        try await trigger.value
        try await domain.destroy()
        await connection.close()
        #expect(run.out == "event 'lifecycle' for domain 'e2e-events': Suspended Paused\nevents received: 1\n\n"
                || run.out == "event 'lifecycle' for domain 'e2e-events': Resumed Unpaused\nevents received: 1\n\n", "\(run.out)")
        #expect(run.status == 0)
    }

    @Test func eventTimeoutWithoutEventsFails() async {
        let run = await virtsh("event --all --timeout 1")
        #expect(run.out == "event loop timed out\nevents received: 0\n\n")
        #expect(run.err == "" && run.status == 1)
        #expect(await virtsh("event --timeout 1").err == "error: one of --list, --all, or --event <type> is required\n")
    }

    @Test func help() async {
        #expect(await virtsh("help uri").out == "  NAME\n    uri - print the hypervisor canonical URI\n\n  SYNOPSIS\n    uri\n\n\n")
        let unknown = await virtsh("help nosuch")
        #expect(unknown.err == "error: command or command group 'nosuch' doesn't exist\n")
        #expect(unknown.status == 1)
        #expect(await virtsh("domstate --help").out == (await virtsh("help domstate")).out)
    }

    @Test func connectionUris() async {
        let env = await virtsh("uri", connect: false, env: ["VIRSH_DEFAULT_CONNECT_URI": "test:///default", "LIBVIRT_DEFAULT_URI": "bogus:///x"])
        #expect(env.out == "test:///default\n\n")
        let bad = await virtsh("-c", "bogus:///x", "uri", connect: false)
        #expect(bad.out == "" && bad.status == 1)
        #expect(bad.err.hasPrefix("error: failed to connect to the hypervisor\nerror: "))
        let lazy = await virtsh("echo hi; uri", connect: false, env: ["LIBVIRT_DEFAULT_URI": "bogus:///x"])
        #expect(lazy.out == "hi\n\n" && lazy.status == 1)
    }

    @Test func quitStopsAndEchoQuotes() async {
        #expect(await virtsh("quit; uri").out == "")
        #expect(await virtsh("echo --shell \"a b\" x'y'; echo --xml '<a>&'").out == "'a b' xy\n&lt;a&gt;&amp;\n")
    }

    @Test func jsonOutput() async throws {
        let run = await virtsh("--json", "list --all; dominfo test; domstate test")
        let lines = run.out.split(separator: "\n")
        #expect(lines.count == 3)
        let list = try #require(try json(lines[0]) as? [[String: Any]])
        #expect(list.first?["name"] as? String == "test")
        #expect(list.first?["id"] as? Int == 1)
        #expect(list.first?["state"] as? String == "running")
        let info = try #require(try json(lines[1]) as? [String: Any])
        #expect(info["maxMemoryKiB"] as? Int == 8388608)
        #expect(info["persistent"] as? Bool == true)
        let state = try #require(try json(lines[2]) as? [String: Any])
        #expect(state["reason"] as? String == "unknown")
    }

    @Test func jsonErrors() async throws {
        let run = await virtsh("dominfo nosuch --json")
        #expect(run.out == "" && run.status == 1)
        let document = try #require(try json(Substring(run.err.dropLast())) as? [String: [String: Any]])
        #expect(document["error"]?["code"] as? Int == 42)
        #expect(document["error"]?["message"] as? String == "failed to get domain 'nosuch'")
        let parse = await virtsh("--json", "list --bogus")
        #expect(parse.err.hasPrefix("{\"error\":{\"code\":8,"))
    }
}
