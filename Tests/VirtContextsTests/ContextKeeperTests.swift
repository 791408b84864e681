import Foundation
import Testing
import VirtError
import VirtSystem
@testable import VirtContexts

/// The keeper (swiftvirt-keeper): the one process per root that answers every context's
/// seccomp notifications and records how first processes ended.
@Suite("Security contexts: the keeper", .enabled(if: canCreateContexts, "needs root, namespaces and cgroups"), .serialized)
struct ContextKeeperTests {
    /// A connection to the sandbox's keeper, started by creating a context first.
    private func connectToKeeper(_ sandbox: ContextSandbox) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_SEQPACKET.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let path = Array((sandbox.root + "/" + ContextKeeper.socketName).utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: path) }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else { close(fd); throw VirError(.operationFailed, "no keeper at \(String(decoding: path, as: UTF8.self))") }
        return fd
    }

    @Test func aProcessTheKeeperCannotAnswerForIsKilled() async throws {
        let sandbox = try ContextSandbox()
        _ = try await sandbox.run(["/bin/true"])  // starts the keeper
        let keeper = try connectToKeeper(sandbox)
        defer { close(keeper) }
        let victim = try Spawner.spawn(SpawnPlan(.path("/bin/sleep"), arguments: ["sleep", "30"]))
        let directory = open(sandbox.root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        defer { close(directory) }
        var pipeEnds: [Int32] = [0, 0]
        #expect(pipe(&pipeEnds) == 0)
        defer { pipeEnds.forEach { close($0) } }
        // "F", xid 1, no extras, with a pipe where the seccomp listener belongs.
        var message: [UInt8] = []
        for word: UInt32 in [0x46, 1, 0] { withUnsafeBytes(of: word.littleEndian) { message += $0 } }
        try DescriptorPassing.send(message, descriptors: [directory, pipeEnds[0], victim.pidfd], over: keeper)
        #expect(try await victim.wait() == .signaled(SIGKILL, coreDumped: false))
    }

    @Test(.enabled(if: ChildProcess.kernelKeepsExitStatus, "needs Linux 6.15 (PIDFD_INFO_EXIT)"))
    func theKeeperRecordsTheEndOfAFirstProcessReapedByItsCreator() async throws {
        let sandbox = try ContextSandbox()
        let running = try sandbox.start(["/bin/sh", "-c", "exit 5"])
        #expect(try await running.initProcess.wait() == .exited(5))
        let status = sandbox.root + "/\(running.context.xid)/status"
        for _ in 0..<200 where !FileManager.default.fileExists(atPath: status) { try await Task.sleep(for: .milliseconds(10)) }
        #expect(try String(contentsOfFile: status, encoding: .utf8) == "exit 5\n")
        #expect(try await sandbox.system.wait(xid: running.context.xid).exitCode == 5)
    }

    /// The processes with a descriptor open on `link` (a namespace, as `/proc/PID/ns` names it).
    private func holders(of link: String) -> [String] {
        let processes = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return processes.filter { $0.allSatisfy(\.isNumber) }.filter { pid in
            let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? []
            return fds.contains { (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\($0)")) == link }
        }
    }

    /// Whether this kernel hands out namespaces through pidfds (Linux 6.11).
    static let pidfdsGiveNamespaces: Bool = {
        guard let pidfd = try? Pidfd.open(getpid()) else { return false }
        defer { close(pidfd) }
        guard let namespace = Pidfd.namespace(.mount, of: pidfd) else { return false }
        close(namespace)
        return true
    }()

    @Test(.enabled(if: pidfdsGiveNamespaces, "needs Linux 6.11 (PIDFD_GET_MNT_NAMESPACE)"))
    func theKeeperHoldsAFirstProcessMountNamespaceUntilTheProcessExits() async throws {
        let sandbox = try ContextSandbox()
        let running = try sandbox.start(["/bin/sleep", "100"])
        let namespace = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(running.initProcess.pid)/ns/mnt")
        #expect(namespace != (try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/mnt")))
        // The keeper takes it when it reads the creator's message, which nobody waits for.
        for _ in 0..<200 where holders(of: namespace).isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        #expect(holders(of: namespace).count == 1, "the keeper, and nobody else, holds \(namespace)")
        try running.context.kill(pid: 0, signal: SIGKILL)
        _ = try await running.wait()
        // Up to 10 s: with QEMU guests booting in other suites, the keeper's turn can be late.
        for _ in 0..<1000 where !holders(of: namespace).isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        #expect(holders(of: namespace).isEmpty, "released once the process has exited")
    }

    @Test func aStoppedKeeperRemovesItsSocketAndANewOneStartsOnDemand() async throws {
        let sandbox = try ContextSandbox()
        _ = try await sandbox.run(["/bin/true"])
        let socketPath = sandbox.root + "/" + ContextKeeper.socketName
        #expect(FileManager.default.fileExists(atPath: socketPath))
        sandbox.system.stopKeeper()
        for _ in 0..<200 where FileManager.default.fileExists(atPath: socketPath) { try await Task.sleep(for: .milliseconds(10)) }
        #expect(!FileManager.default.fileExists(atPath: socketPath))
        #expect(throws: VirError.self) { _ = try connectToKeeper(sandbox) }
        // uname(2) is answered again by the keeper the next creation starts.
        var options = ContextOptions()
        options.uname[.release] = "9.9-keeper"
        #expect(try await sandbox.run(["/bin/uname", "-r"], options: options).output == "9.9-keeper\n")
    }
}
