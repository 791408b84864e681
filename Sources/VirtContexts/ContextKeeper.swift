import FoundationEssentials
import Synchronization
import VirtError
import VirtSystem

#if canImport(Glibc)
import Glibc
#endif

/// The client side of `swiftvirt-keeper` (CVirtSupervisor's `keeper_protocol.h`): the one
/// process per context root that answers the seccomp notifications of every context process
/// (uname, reboot, what context capabilities and flags gate) and records how each context's
/// first process ended. It is started on demand, by the first creation that finds none, and
/// exits on its own once it has kept nothing for a few seconds and nobody is connected.
///
/// Handing a process over is one message, which the keeper never answers: a creation does
/// not wait for another process to be scheduled. Copies of a ``ContextSystem`` share one
/// connection.
final class ContextKeeper: Sendable {
    /// The socket's name in the root.
    static let socketName = "keeper.sock"

    /// What a message asks (`enum sv_keeper_kind`).
    enum Request: UInt32 {
        /// The first process of a context just created.
        case first = 0x46  // "F"
        /// A process that entered a context (vx_migrate).
        case entered = 0x45  // "E"
        /// Exit as soon as no context is kept.
        case stop = 0x53  // "S"
        /// Attach a session to a context's console (answered).
        case console = 0x43  // "C"
    }

    /// The optional descriptors of a first process (`enum sv_keeper_extras`).
    struct Extras: OptionSet {
        let rawValue: UInt32
        static let mountNamespace = Extras(rawValue: 1)
        static let console = Extras(rawValue: 2)
    }

    let root: String
    let executable: String
    private let connection = Mutex<Int32>(-1)

    init(root: String, executable: String) {
        self.root = root
        self.executable = executable
    }

    deinit {
        connection.withLock { fd in if fd >= 0 { close(fd) } }
    }

    /// Hands process `pidfd` of context `xid`, with its seccomp `listener` and the context's
    /// state directory, to the keeper, starting one if none runs. A first process may come
    /// with its `mountNamespace`, which the keeper holds until the process has exited, so
    /// that the exit does not wait for the namespace's teardown, and with its `console`,
    /// which the keeper holds (and reads) until then. Our descriptors stay open.
    func keep(_ request: Request, xid: UInt32, stateDirectory: Int32, listener: Int32, pidfd: Int32,
              mountNamespace: Int32? = nil, console: PseudoTerminal? = nil) throws(VirError) {
        var extras: Extras = []
        var descriptors = [stateDirectory, listener, pidfd]
        if let mountNamespace {
            extras.insert(.mountNamespace)
            descriptors.append(mountNamespace)
        }
        if let console {
            extras.insert(.console)
            descriptors += [console.master, console.slave]
        }
        try connection.withLock { (fd) throws(VirError) in
            if fd >= 0, (try? send(request, xid: xid, extras: extras.rawValue, descriptors: descriptors, over: fd)) != nil { return }
            // Not connected yet, or the keeper we knew has exited: it took nothing from a
            // send that failed, so connect (or start one) and send again.
            if fd >= 0 { close(fd) }
            fd = -1
            fd = try connectStartingIfNeeded()
            try send(request, xid: xid, extras: extras.rawValue, descriptors: descriptors, over: fd)
        }
    }

    /// Attaches a session to the console of context `xid`: a stream socket carrying the
    /// console's bytes both ways. With `force`, a session already attached ends; without,
    /// it makes this fail.
    func openConsole(xid: UInt32, force: Bool) throws(VirError) -> Int32 {
        let fd: Int32
        do throws(VirError) { fd = try connect() } catch {
            throw VirError(.operationInvalid, "security context \(xid) has no console", domain: .none)
        }
        defer { close(fd) }
        try send(.console, xid: xid, extras: force ? 1 : 0, descriptors: [], over: fd)
        let answer = try DescriptorPassing.receive(capacity: 12, maxDescriptors: 1, from: fd)
        let words = answer.bytes.count == 12
            ? (0..<3).map { index in answer.bytes.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)) } }
            : []
        guard words.first == Request.console.rawValue else {
            answer.descriptors.forEach { close($0) }
            throw VirError(.internalError, "the context keeper answered a console request with \(answer.bytes.count) bytes", domain: .none)
        }
        switch (Int32(bitPattern: words[2]), answer.descriptors.first) {
        case (0, let session?): return session
        case (EBUSY, _): throw VirError(.operationFailed, "Active console session exists for this domain", domain: .none)
        case (ENOENT, _): throw VirError(.operationInvalid, "security context \(xid) has no console", domain: .none)
        case (let code, _): throw Syscall.error("attach to the console of security context \(xid)", errno: code)
        }
    }

    /// Asks a running keeper to exit as soon as it keeps no context (test and benchmark
    /// clean-up). Starts none.
    func stop() {
        connection.withLock { fd in
            if fd < 0 { fd = (try? connect()) ?? -1 }
            if fd >= 0 {
                try? send(.stop, xid: 0, extras: 0, descriptors: [], over: fd)
                close(fd)
            }
            fd = -1
        }
    }

    private func send(_ request: Request, xid: UInt32, extras: UInt32, descriptors: [Int32], over fd: Int32) throws(VirError) {
        var bytes: [UInt8] = []
        for word in [request.rawValue, xid, extras] { withUnsafeBytes(of: word.littleEndian) { bytes += $0 } }
        if descriptors.isEmpty {
            _ = try Syscall.call("send to the context keeper") { Glibc.send(fd, bytes, bytes.count, Int32(MSG_NOSIGNAL)) }
        } else {
            try DescriptorPassing.send(bytes, descriptors: descriptors, over: fd)
        }
    }

    private func connectStartingIfNeeded() throws(VirError) -> Int32 {
        if let fd = try? connect() { return fd }
        // Serialised across processes: only one starts a keeper for this root.
        let lockPath = root + "/.keeper.lock"
        let lock = try Syscall.call("open \(lockPath)") { open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600) }
        defer { close(lock) }
        _ = try Syscall.call("flock \(lockPath)") { flock(lock, LOCK_EX) }
        if let fd = try? connect() { return fd }
        try start()
        return try connect()
    }

    /// Binds the socket, so that clients can connect before the keeper runs, and starts the
    /// keeper with it. The keeper forks itself into a new session at once; we reap the
    /// process we started, so it leaves no zombie.
    private func start() throws(VirError) {
        let rootDirectory = try Syscall.call("open \(root)") { open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        defer { close(rootDirectory) }
        unlinkat(rootDirectory, Self.socketName, 0)  // a dead keeper's
        let listening = try Self.makeSocket()
        defer { close(listening) }
        try Self.withAddress(rootDirectory) { (address, length) throws(VirError) in
            _ = try Syscall.call("bind \(root)/\(Self.socketName)") { bind(listening, address, length) }
        }
        _ = try Syscall.call("listen on \(root)/\(Self.socketName)") { listen(listening, 64) }
        let null = try Syscall.call("open /dev/null") { open("/dev/null", O_RDWR | O_CLOEXEC) }
        defer { close(null) }
        var plan = SpawnPlan(.path(executable), arguments: ["swiftvirt-keeper", "--socket-fd", "3", "--root-fd", "4"])
        plan.descriptors = [0: null, 1: null, 2: 2, 3: listening, 4: rootDirectory]
        let starter = try Spawner.spawn(plan)
        var exited = pollfd(fd: starter.pidfd, events: Int16(POLLIN), revents: 0)
        _ = Glibc.poll(&exited, 1, 5000)  // the fork comes first thing
        guard case .exited(0)? = try starter.exitStatus() else {
            try? starter.signal(SIGKILL)
            throw VirError(.operationFailed, "the context keeper \(executable) did not start", domain: .none)
        }
    }

    private func connect() throws(VirError) -> Int32 {
        let rootDirectory = try Syscall.call("open \(root)") { open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        defer { close(rootDirectory) }
        let fd = try Self.makeSocket()
        do throws(VirError) {
            try Self.withAddress(rootDirectory) { (address, length) throws(VirError) in
                _ = try Syscall.call("connect to the context keeper") { Glibc.connect(fd, address, length) }
            }
        } catch {
            close(fd)
            throw error
        }
        return fd
    }

    private static func makeSocket() throws(VirError) -> Int32 {
        try Syscall.call("create a unix socket") {
            socket(AF_UNIX, Int32(SOCK_SEQPACKET.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        }
    }

    /// Calls `body` with the address of ``socketName`` in `directory`, reached through
    /// `/proc/self/fd`: short whatever the root's path, and without `chdir`.
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
