import Glibc
import Testing
import VirtError
@testable import VirtSystem

@Suite("Spawning into namespaces", .enabled(if: isRoot, needsRoot))
struct NamespaceSpawnTests {
    @Test("in a new pid namespace the shell is pid 1")
    func pidNamespace() async throws {
        let finished = try await run(shell("echo $$", namespaces: [.pid]))
        #expect(finished.output == "1\n")
    }

    @Test("a new UTS namespace gets the host name; the host keeps its own")
    func utsNamespace() async throws {
        let before = hostName()
        var plan = SpawnPlan(path: "/bin/hostname")
        plan.namespaces = [.uts]
        plan.hostname = "swiftvirt-test"
        plan.domainname = "example.test"
        let finished = try await run(plan)
        #expect(finished.output == "swiftvirt-test\n")
        #expect(hostName() == before)
    }

    @Test("a new mount and pid namespace with its own /proc shows only its processes")
    func procMount() async throws {
        var plan = shell("ls /proc | grep -c '^[0-9]'", namespaces: [.pid, .mount])
        plan.mounts = [.proc()]
        let finished = try await run(plan)
        let count = try #require(Int(finished.output.dropLast()))
        #expect((1...3).contains(count), "sh, grep and ls at most")
    }

    @Test("a negative boot-time offset makes the uptime inside small")
    func timeNamespace() async throws {
        var uptime = timespec()
        clock_gettime(CLOCK_BOOTTIME, &uptime)
        var plan = SpawnPlan(path: "/bin/cat", "/proc/uptime")
        plan.namespaces = [.time]
        plan.timeOffsets = TimeOffsets(boottime: -(Int64(uptime.tv_sec) - 5) * 1_000_000_000)
        let finished = try await run(plan)
        let inside = try #require(Double(finished.output.split(separator: " ").first ?? ""))
        #expect(inside < 30, "uptime inside: \(inside) s, outside: \(uptime.tv_sec) s")
    }

    @Test("pivot_root into a rootfs, with read-only /proc/sys, exec'ing a binary by descriptor")
    func pivotRoot() async throws {
        let rootfs = try TemporaryRootfs()
        let echo = open("/bin/echo", O_RDONLY | O_CLOEXEC)
        try #require(echo >= 0)
        defer { close(echo) }
        var plan = SpawnPlan(.descriptor(echo), arguments: ["echo", "pivoted"])
        plan.namespaces = [.mount, .pid]
        plan.rootfs = rootfs.path
        plan.mounts = rootfs.libraryMounts + [.proc()]
        plan.readOnlyPaths = ["/proc/sys"]
        #expect(try await run(plan).output == "pivoted\n")

        // Inside, only the rootfs is visible and /proc/sys is read-only.
        var ls = shellInRootfs(rootfs, "ls /; echo 1 > /proc/sys/kernel/ns_last_pid || echo read-only")
        ls.readOnlyPaths = ["/proc/sys"]
        let finished = try await run(ls)
        #expect(finished.output.split(separator: "\n") == ["bin", "lib", "lib64", "proc", "usr", "read-only"])
    }

    @Test("a private /dev: directories, device nodes and links made in a tmpfs, with exact modes")
    func deviceSteps() async throws {
        var plan = shell("""
            stat -c '%n %F %a %t:%T' /dev/null /dev/pts /dev/shm; readlink /dev/fd; echo x > /dev/null && echo writable
            ls /dev | tr '\\n' ' '
            """, namespaces: [.mount])
        plan.mounts = [
            // Without nodev, or the node could not be opened.
            Mount(source: "tmpfs", target: "/dev", type: "tmpfs", flags: UInt(MS_NOSUID), data: "mode=755,size=64k"),
            .characterDevice("/dev/null", major: 1, minor: 3), .directory("/dev/pts"),
            .directory("/dev/shm", mode: 0o1777), .directory("/dev/shm", mode: 0o700),  // an existing one is left as it is
            .symbolicLink("/dev/fd", to: "/proc/self/fd"),
        ]
        let finished = try await run(plan)
        #expect(finished.output.split(separator: "\n") == [
            "/dev/null character special file 666 1:3", "/dev/pts directory 755 0:0", "/dev/shm directory 1777 0:0",
            "/proc/self/fd", "writable", "fd null pts shm ",
        ], "\(finished.errors)")
    }

    @Test("a failed file step names itself; a link without a destination is refused up front")
    func deviceStepFailures() throws {
        var plan = SpawnPlan(path: "/bin/true")
        plan.namespaces = [.mount]
        plan.mounts = [.characterDevice("/nonexistent-dir/null", major: 1, minor: 3)]
        let error = #expect(throws: VirError.self) { try Spawner.spawn(plan) }
        #expect(error?.message == "create device node /nonexistent-dir/null (1:3): No such file or directory")
        plan.mounts = [.symbolicLink("/tmp/x", to: "")]
        let refused = #expect(throws: VirError.self) { try Spawner.spawn(plan) }
        #expect(refused?.code == .invalidArg)
    }

    @Test("a failed pivot_root names the step and leaves no child")
    func pivotRootFailure() throws {
        var plan = SpawnPlan(path: "/bin/true")
        plan.namespaces = [.mount]
        plan.rootfs = "/nonexistent-rootfs"
        let error = #expect(throws: VirError.self) { try Spawner.spawn(plan) }
        #expect(error?.message == "bind mount rootfs /nonexistent-rootfs: No such file or directory")
    }

    @Test("new pid, mount, UTS, IPC and cgroup namespaces are really new")
    func allNamespaces() async throws {
        let plan = shell("readlink /proc/self/ns/pid_for_children /proc/self/ns/mnt /proc/self/ns/uts /proc/self/ns/ipc /proc/self/ns/cgroup",
                         namespaces: [.pid, .mount, .uts, .ipc, .cgroup])
        let inside = try await run(plan).output.split(separator: "\n")
        for (index, name) in ["pid", "mnt", "uts", "ipc", "cgroup"].enumerated() {
            let outside = try #require(readLink("/proc/self/ns/\(name)"))
            #expect(inside.count == 5 && inside[index] != outside, "\(name)")
        }
    }

    private func shellInRootfs(_ rootfs: TemporaryRootfs, _ script: String) -> SpawnPlan {
        var plan = shell(script, namespaces: [.mount, .pid])
        plan.rootfs = rootfs.path
        plan.mounts = rootfs.libraryMounts + [.bind("/usr/bin", at: "/usr/bin"), .proc()]
        return plan
    }

    private func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        let count = readlink(path, &buffer, buffer.count - 1)
        return count < 0 ? nil : string(fromCBuffer: buffer)
    }
}

/// A rootfs directory under /tmp with empty mount points and the usr-merge symlinks;
/// removed when it goes away (its mounts live in the child's namespace only).
final class TemporaryRootfs {
    let path: String

    init() throws {
        var template = Array("/tmp/swiftvirt-rootfs-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw Syscall.error("mkdtemp", errno: errno) }
        path = String(cString: made)
        for directory in ["usr", "usr/lib", "usr/lib64", "usr/bin", "proc"] { mkdir(path + "/" + directory, 0o755) }
        for (link, target) in [("bin", "usr/bin"), ("lib", "usr/lib"), ("lib64", "usr/lib64")] {
            symlink(target, path + "/" + link)
        }
    }

    /// Bind mounts of the host's shared libraries.
    var libraryMounts: [Mount] { [.bind("/usr/lib", at: "/usr/lib"), .bind("/usr/lib64", at: "/usr/lib64")] }

    deinit {
        for directory in ["usr/lib", "usr/lib64", "usr/bin", "usr", "proc"] { rmdir(path + "/" + directory) }
        for link in ["bin", "lib", "lib64"] { unlink(path + "/" + link) }
        rmdir(path)
    }
}
