import Foundation
import Glibc
import Testing
import VirtError
@testable import VirtSystem

@Suite("Process information from /proc")
struct ProcessInfoTests {
    @Test("stat parses commands with spaces and parentheses")
    func statParsing() throws {
        let text = "42 (a (b) c) S 1 42 42 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 3 0 12345 1000 10 18446744073709551615\n"
        let stat = try ProcessStat(parsing: text)
        #expect(stat.pid == 42 && stat.command == "a (b) c" && stat.state == "S")
        #expect(stat.parentPID == 1 && stat.threads == 3 && stat.startTime == 12345)
        #expect(stat.lastCPU == -1)  // a stat line too short to show it
        #expect(throws: VirError.self) { try ProcessStat(parsing: "garbage") }
        let full = "7 (sh) S 1 7 7 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 99 0 0 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n"
        #expect(try ProcessStat(parsing: full).lastCPU == 1)
    }

    @Test("this process's stat and status")
    func ownProcess() throws {
        let stat = try ProcessStat.read(pid: getpid())
        #expect(stat.pid == getpid() && stat.parentPID == getppid() && "RS".contains(stat.state))
        #expect(stat.lastCPU >= 0 && Int(stat.lastCPU) < sysconf(Int32(_SC_NPROCESSORS_CONF)))
        let status = try ProcessStatus.read(pid: getpid())
        #expect(status.threads == stat.threads && status.threads >= 1)
        #expect(status.namespacePIDs.first == getpid())
    }

    @Test("a pidfd gives the process's namespaces, and nothing for several kinds at once or once it has exited")
    func namespacesThroughPidfds() async throws {
        let pidfd = try Pidfd.open(getpid())
        defer { close(pidfd) }
        guard let mount = Pidfd.namespace(.mount, of: pidfd) else { return }  // before Linux 6.11: nothing to check
        defer { close(mount) }
        let viaProc = try #require(try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/mnt"))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(mount)") == viaProc)
        #expect(fcntl(mount, F_GETFD) & FD_CLOEXEC != 0)
        #expect(Pidfd.namespace([.mount, .pid], of: pidfd) == nil)
        let child = try Spawner.spawn(SpawnPlan(.path("/bin/true"), arguments: ["true"]))
        _ = try await child.wait()
        #expect(Pidfd.namespace(.uts, of: child.pidfd) == nil)
    }

    @Test("status parses capabilities and NSpid")
    func statusParsing() throws {
        let status = try ProcessStatus(parsing: "Name:\tsh\nThreads:\t1\nNSpid:\t4242\t1\nCapEff:\t0000000000000001\nCapBnd:\t000001ffffffffff\n")
        #expect(status.namespacePIDs == [4242, 1])
        #expect(status.effectiveCapabilities == CapabilitySet(.chown))
        #expect(status.boundingSet.rawValue == 0x1ff_ffff_ffff)
    }
}

@Suite("Adopting processes", .enabled(if: isRoot, needsRoot))
struct AdoptionTests {
    @Test("a process that is not our child can be adopted and waited for")
    func adoptOrphan() async throws {
        // Long enough to outlive a loaded machine between its start and the adoption.
        let finished = try await run(shell("/bin/sleep 5 >/dev/null 2>&1 & echo $!"))
        let pid = try #require(pid_t(finished.output.dropLast()))
        let identity = try ChildProcess(adopting: pid).identity()
        let adopted = try ChildProcess(adopting: pid, identity: identity)
        // Its status comes once its new parent (the host's init) has reaped it, from Linux
        // 6.15 on; before, the kernel keeps none for us.
        #expect(try await adopted.wait() == (ChildProcess.kernelKeepsExitStatus ? .exited(0) : .unavailable))
    }

    @Test("adoption checks the recorded identity, of either kind")
    func identityMismatch() throws {
        let child = try Spawner.spawn(SpawnPlan(path: "/bin/sleep", "10"))
        defer { try? child.signal(SIGKILL) }
        let identity = try child.identity()
        let start = try ProcessStat.read(pid: child.pid).startTime
        #expect(try ChildProcess(adopting: child.pid, identity: identity).pid == child.pid)
        #expect(try ChildProcess(adopting: child.pid, identity: .startTime(start)).pid == child.pid)
        #expect(throws: VirError.self) { try ChildProcess(adopting: child.pid, identity: .startTime(start + 1)) }
        if case .pidfsInode(let inode) = identity {
            #expect(throws: VirError.self) { try ChildProcess(adopting: child.pid, identity: .pidfsInode(inode + 1)) }
        }
        // Another process never has the same identity.
        let other = try Spawner.spawn(SpawnPlan(path: "/bin/sleep", "10"))
        defer { try? other.signal(SIGKILL) }
        #expect(try other.identity() != identity)
        #expect(ProcessIdentity(identity.description) == identity && ProcessIdentity("start-time:5") == .startTime(5))
        #expect(ProcessIdentity("pidfs:x") == nil && ProcessIdentity("ino:5") == nil && ProcessIdentity("") == nil)
        let status = try ProcessStatus.read(pid: child.pid)
        #expect(status.namespacePIDs == [child.pid])
    }
}
