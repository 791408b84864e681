import Glibc
import Testing
import VirtError
@testable import VirtSystem

@Suite("Seccomp programs")
struct SeccompProgramTests {
    @Test("an allow-by-default program checks the architecture first and can return ALLOW")
    func shape() {
        let program = SeccompProgram(allowingAllExcept: [SeccompRule(syscall: .sethostname, action: .errno(EPERM))])
        #expect(program.instructions.first == .load(offset: 4))
        #expect(program.instructions.contains(.ret(SeccompAction.allow.returnValue)))
        #expect(program.instructions.contains(.ret(SeccompAction.errno(EPERM).returnValue)))
        #expect(!program.wantsListener)
        #expect(SeccompProgram(allowingAllExcept: [SeccompRule(syscall: .uname, action: .notify)]).wantsListener)
    }

    @Test("unconditional rules share one ret per action")
    func sharedReturns() {
        let calls: [SystemCall] = [.uname, .reboot, .sethostname, .setdomainname, .syslog]
        let program = SeccompProgram(allowingAllExcept: calls.map { SeccompRule(syscall: $0, action: .notify) })
        let returns = program.instructions.filter { $0 == .ret(SeccompAction.notify.returnValue) }
        #expect(returns.count == 1)
        // The architecture check, one load, one jump per call, ret allow, ret notify.
        #expect(program.instructions.count == SeccompProgramBuilder.architectureCheck().count + 1 + calls.count + 2)
    }

    /// Rules that mix unconditional and conditional ones on the same calls, in an order where
    /// hoisting the wrong rule would change a decision.
    static let mixedRules: [SeccompRule] = [
        SeccompRule(syscall: .mount, [SeccompCondition(argument: 3, .anyBitSet(0x20))], action: .errno(EPERM)),
        SeccompRule(syscall: .uname, action: .notify),
        SeccompRule(syscall: .mount, action: .notify),
        SeccompRule(syscall: .mount, action: .errno(EACCES)),  // never reached: the rule above always matches
        SeccompRule(syscall: .prlimit64, [SeccompCondition(argument: 2, .greater(0))], action: .notify),
        SeccompRule(syscall: .socket, [SeccompCondition(argument: 0, .equal(2)),
                                       SeccompCondition(argument: 1, .maskedEqual(mask: 0xf, value: 3))], action: .errno(EPERM)),
        SeccompRule(syscall: .clone3, action: .errno(ENOSYS)),
        SeccompRule(syscall: .uname, action: .errno(EPERM)),  // never reached
        SeccompRule(syscall: .setpriority, [SeccompCondition(argument: 2, .maskedEqual(mask: 0x8000_0000, value: 0x8000_0000))], action: .errno(0)),
    ]

    @Test("the program decides every call as the first matching rule does", arguments: [
        (SystemCall.mount, [0, 0, 0, 0x20, 0, 0] as [UInt64]), (.mount, [0, 0, 0, 0x1, 0, 0]), (.uname, [0, 0, 0, 0, 0, 0]),
        (.prlimit64, [0, 7, 0, 0, 0, 0]), (.prlimit64, [0, 7, 0x7fff_0000, 0, 0, 0]), (.prlimit64, [0, 7, 0x1_0000_0000, 0, 0, 0]),
        (.socket, [2, 3, 1, 0, 0, 0]), (.socket, [2, 0x80003, 1, 0, 0, 0]), (.socket, [10, 3, 58, 0, 0, 0]), (.socket, [2, 1, 0, 0, 0, 0]),
        (.clone3, [0, 0, 0, 0, 0, 0]), (.setpriority, [0, 0, 0xffff_fffb, 0, 0, 0]), (.setpriority, [0, 0, 5, 0, 0, 0]),
        (.unshare, [0, 0, 0, 0, 0, 0]), (.sethostname, [0, 0, 0, 0, 0, 0]),
    ])
    func decisions(call: SystemCall, arguments: [UInt64]) throws {
        let program = SeccompProgram(allowingAllExcept: Self.mixedRules)
        let expected = Self.mixedRules.first { $0.syscall == call && $0.conditions.allSatisfy { $0.holds(for: arguments) } }?.action ?? .allow
        #expect(try BPFInterpreter.run(program.instructions, number: call.rawValue, arguments: arguments) == expected.returnValue)
    }

    @Test("a call of another architecture kills the process")
    func foreignArchitecture() throws {
        let program = SeccompProgram(allowingAllExcept: Self.mixedRules)
        #expect(try BPFInterpreter.run(program.instructions, number: SystemCall.unshare.rawValue, arguments: [], architecture: 0x4000_0003)
                == SeccompAction.killProcess.returnValue)
    }

    @Test("a failed condition jumps to the next rule")
    func jumps() {
        let block = SeccompProgramBuilder.block(for: SeccompRule(
            syscall: SystemCall(rawValue: 1), [SeccompCondition(argument: 0, .equal(7))], action: .errno(EPERM)))
        // load nr, jeq nr, load high, jeq 0, load low, jeq 7, ret
        #expect(block.count == 7)
        #expect(block[1].jf == 5 && block[3].jf == 3 && block[5].jf == 1)
    }
}

@Suite("Seccomp in spawned children", .enabled(if: isRoot, needsRoot))
struct SeccompSpawnTests {
    private func run(_ script: String, rules: [SeccompRule], namespaces: NamespaceSet = [.uts, .mount]) async throws -> Finished {
        var plan = shell(script, namespaces: namespaces)
        plan.seccomp = [SeccompProgram(allowingAllExcept: rules)]
        return try await VirtSystemTests.run(plan)
    }

    @Test("sethostname and setdomainname are denied with EPERM even with every capability")
    func hostname() async throws {
        let finished = try await run("hostname foo; echo $?; domainname bar; echo $?", rules: [
            SeccompRule(syscall: .sethostname, action: .errno(EPERM)),
            SeccompRule(syscall: .setdomainname, action: .errno(EPERM)),
        ])
        #expect(finished.output == "1\n1\n")
    }

    @Test("raw ICMP sockets are denied, other sockets are not")
    func rawICMP() async throws {
        let rules = [(AF_INET, IPPROTO_ICMP), (AF_INET6, IPPROTO_ICMPV6)].map { family, proto in
            SeccompRule(syscall: .socket, [
                SeccompCondition(argument: 0, .equal(UInt64(family))),
                SeccompCondition(argument: 1, .maskedEqual(mask: 0xf, value: UInt64(SOCK_RAW.rawValue))),
                SeccompCondition(argument: 2, .equal(UInt64(proto))),
            ], action: .errno(EPERM))
        }
        let script = """
        /usr/bin/python3 -c '
        import socket
        for f, t, p in [(2, 3, 1), (10, 3, 58), (2, 2, 0), (2, 3, 17)]:
            try: socket.socket(f, t, p).close(); print("ok")
            except OSError as e: print(e.errno)'
        """
        let finished = try await run(script, rules: rules, namespaces: [.network])
        #expect(finished.output == "1\n1\nok\nok\n")
    }

    @Test("mount is denied for remounts and when it carries data")
    func mountRules() async throws {
        let finished = try await run("""
        mount -o remount,ro /; echo $?
        mount -t tmpfs -o size=1m tmpfs /mnt; echo $?
        mount -t tmpfs tmpfs /mnt; echo $?
        """, rules: [
            SeccompRule(syscall: .mount, [SeccompCondition(argument: 3, .anyBitSet(UInt64(MS_REMOUNT)))], action: .errno(EPERM)),
            SeccompRule(syscall: .mount, [SeccompCondition(argument: 4, .greater(0))], action: .errno(EPERM)),
        ])
        #expect(finished.output.split(separator: "\n") == ["32", "32", "0"])
    }

    @Test("setpriority with a negative value is a silent no-op")
    func setpriority() async throws {
        let finished = try await run("nice -n -5 nice; nice -n 5 nice", rules: [
            SeccompRule(syscall: .setpriority, [SeccompCondition(argument: 2, .maskedEqual(mask: 0x8000_0000, value: 0x8000_0000))], action: .errno(0)),
        ], namespaces: [])
        #expect(finished.output == "0\n5\n")
    }

    @Test("clone3 gets ENOSYS (libc falls back to clone); namespace flags of unshare are denied")
    func cloneRules() async throws {
        let namespaceFlags = NamespaceSet.all.reduce(UInt64(0)) { $0 | $1.0.rawValue }
        let finished = try await run("/bin/true; echo $?; unshare -u /bin/true; echo $?", rules: [
            SeccompRule(syscall: .clone3, action: .errno(ENOSYS)),
            SeccompRule(syscall: .unshare, [SeccompCondition(argument: 0, .anyBitSet(namespaceFlags))], action: .errno(EPERM)),
            SeccompRule(syscall: .clone, [SeccompCondition(argument: 0, .anyBitSet(namespaceFlags))], action: .errno(EPERM)),
        ], namespaces: [])
        #expect(finished.output == "0\n1\n")
    }

    @Test("a notifying rule hands the listener to the parent; without an answer the call fails")
    func notification() async throws {
        var plan = SpawnPlan(path: "/bin/uname", "-s")
        plan.seccomp = [SeccompProgram(allowingAllExcept: [SeccompRule(syscall: .uname, action: .notify)])]
        let errors = try Pipe()
        plan.descriptors[2] = errors.write
        let child = try Spawner.spawn(plan)
        errors.closeWrite()
        let listener = try #require(child.seccompListener)
        var target = [CChar](repeating: 0, count: 64)
        let length = readlink("/proc/self/fd/\(listener)", &target, 63)
        #expect(length > 0 && string(fromCBuffer: target) == "anon_inode:seccomp notify")
        close(listener)  // unanswered notifications now fail with ENOSYS
        #expect(try await child.wait() == .exited(1))
        #expect(try errors.readAll().contains("Function not implemented"))
    }
}
