import Foundation
import VirtError
import VirtSystem

#if canImport(Glibc)
import Glibc
#endif

extension Context {
    /// Corresponds to `vx_migrate`: starts `command` inside the running context.
    ///
    /// The new process joins every namespace of the context (through a pidfd of its init, whose
    /// start time is checked first), its cgroups, its capability bounding set and the context's
    /// seccomp program. The context's init answers that program's notifications, so context
    /// capabilities, flags and uname are enforced in the new process as in every other one.
    /// It is a child of the caller, which waits for it through the returned process.
    ///
    /// - Parameters:
    ///   - command: the absolute path of the program, then its arguments.
    ///   - flags: `VXM_SET_INIT` records the new process as the context's init (the pid
    ///     ``info()`` reports, which `vx_kill` pid 1 and ``wait()`` then follow);
    ///     `VXM_SET_REAPER` makes it a child subreaper, so that its orphaned descendants
    ///     are reparented to it.
    ///   - descriptors: `[fd in the new process: fd of the caller]`.
    ///   - environment: its environment, `NAME=value`.
    /// - Throws: `VIR_ERR_OPERATION_DENIED` with `VXF_INFO_PRIVATE`, `VIR_ERR_NO_DOMAIN` if the
    ///   context has died, `VIR_ERR_OPERATION_INVALID` while it is frozen.
    public func migrate(command: [String], flags: MigrationFlags = [], descriptors: [Int32: Int32] = [0: 0, 1: 1, 2: 2],
                        environment: [String]) throws(VirError) -> ChildProcess {
        let unknown = flags.subtracting([.setInit, .setReaper])
        guard unknown.isEmpty else { throw VirError.invalidArg("unknown migration flag bits 0x\(String(unknown.rawValue, radix: 16))") }
        guard let path = command.first, path.hasPrefix("/") else {
            throw VirError.invalidArg("the process entering a context needs an absolute executable path, got '\(command.first ?? "")'")
        }
        let contextFlags = self.flags()
        if contextFlags.contains(.infoPrivate) {
            throw VirError(.operationDenied, "security context \(xid) has VXF_INFO_PRIVATE: the context cannot be entered", domain: .none)
        }
        if contextFlags.contains(.schedPause) {
            throw VirError(.operationInvalid, "security context \(xid) is frozen (VXF_SCHED_PAUSE): a process entering it would stop at once; thaw it first", domain: .none)
        }
        let target = try liveInit()
        defer { withExtendedLifetime(target) {} }
        var plan = SpawnPlan(.path(path), arguments: command)
        plan.environment = environment
        plan.joinNamespaces = SpawnPlan.NamespaceJoin(pidfd: target.pidfd, namespaces: namespaces)
        plan.cgroupProcsFiles = try cgroup().procsFiles
        plan.descriptors = descriptors
        plan.boundingSet = boundingSet()
        plan.seccomp = [ContextSeccomp.program]
        plan.childSubreaper = flags.contains(.setReaper)
        let child: ChildProcess
        do {
            child = try Spawner.spawn(plan)
        } catch {
            throw system.isAlive(record) ? error : gone()
        }
        do throws(VirError) {
            if let listener = child.takeSeccompListener() {
                defer { close(listener) }
                try InitControl.hand(listener, toInitIn: store.directory(xid))
            }
            if flags.contains(.setInit) { try recordAsInit(child) }
        } catch {
            // Dropping the process reaps it in the background.
            try? child.signal(SIGKILL)
            throw error
        }
        return child
    }

    /// A pidfd of the context's init, checked to be the recorded process and alive.
    private func liveInit() throws(VirError) -> ChildProcess {
        guard let target = try? ChildProcess(adopting: record.initPID, startTime: record.initStartTime),
              system.isAlive(record) else { throw gone() }
        return target
    }

    private func gone() -> VirError {
        VirError(.noDomain, "security context \(xid) is no longer running", domain: .none)
    }

    /// `VXM_SET_INIT`: the record names `process` as the context's init from now on.
    private func recordAsInit(_ process: ChildProcess) throws(VirError) {
        var updated = record
        updated.designatedInitPID = process.pid
        try store.save(updated)
    }
}

/// The control socket of a context's init (see CVirtInit's `init_control.h`): the creator
/// binds it in the state directory and passes it to the init (`--control-fd`); `migrate`
/// hands the seccomp listener of each process entering the context over it.
enum InitControl {
    /// Its name in the state directory.
    static let socketName = "init.sock"
    /// The message byte that comes with a listener.
    private static let takeListener: UInt8 = 0x4C  // "L"
    /// How long `hand` waits for the init's answer.
    private static let timeoutSeconds = 5

    /// A listening `SOCK_SEQPACKET` socket bound as ``socketName`` in the state directory
    /// `directory` (an open descriptor), close-on-exec.
    static func listen(inStateDirectory directory: Int32) throws(VirError) -> Int32 {
        let fd = try makeSocket()
        do throws(VirError) {
            try withAddress(directory) { (address, length) throws(VirError) in
                try Syscall.call("bind the init's control socket") { bind(fd, address, length) }
            }
            try Syscall.call("listen on the init's control socket") { Glibc.listen(fd, 16) }
        } catch {
            close(fd)
            throw error
        }
        return fd
    }

    /// Hands `listener` to the init of the context whose state directory is `path`, and
    /// returns once the init has taken it.
    static func hand(_ listener: Int32, toInitIn path: String) throws(VirError) {
        let directory = try Syscall.call("open \(path)") { open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        defer { close(directory) }
        let fd = try makeSocket()
        defer { close(fd) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        for option in [SO_RCVTIMEO, SO_SNDTIMEO] {
            try Syscall.call("set a timeout on the init's control socket") {
                setsockopt(fd, SOL_SOCKET, option, &timeout, socklen_t(MemoryLayout<timeval>.size))
            }
        }
        do throws(VirError) {
            try withAddress(directory) { (address, length) throws(VirError) in
                try Syscall.call("connect to the context's init") { connect(fd, address, length) }
            }
        } catch {
            throw VirError(.operationFailed, "the context's init takes no entering processes (\(error.message))", domain: .none)
        }
        try DescriptorPassing.send([takeListener], descriptors: [listener], over: fd)
        var answer: UInt8 = 0xFF
        let count = try Syscall.call("read the answer of the context's init") { recv(fd, &answer, 1, 0) }
        guard count == 1, answer == 0 else {
            let reason = count == 1 ? String(cString: strerror(Int32(answer))) : "it closed the connection"
            throw VirError(.operationFailed, "the context's init refused to answer the seccomp notifications of the entering process: \(reason)", domain: .none)
        }
    }

    private static func makeSocket() throws(VirError) -> Int32 {
        try Syscall.call("create a unix socket") {
            socket(AF_UNIX, Int32(SOCK_SEQPACKET.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        }
    }

    /// Calls `body` with the address of ``socketName`` in `directory`, reached through
    /// `/proc/self/fd`: short whatever the run directory's path, and without `chdir`.
    private static func withAddress(_ directory: Int32, _ body: (UnsafePointer<sockaddr>, socklen_t) throws(VirError) -> Void) throws(VirError) {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let path = Array("/proc/self/fd/\(directory)/\(socketName)".utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in raw.copyBytes(from: path) }  // < 40 of 108 bytes
        try withUnsafePointer(to: &address) { (pointer) throws(VirError) in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { (raw) throws(VirError) in
                try body(raw, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
    }
}
