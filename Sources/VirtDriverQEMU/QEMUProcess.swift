import Glibc
import QMP
import VirtCore
import VirtError
import VirtSystem
import VirtXML

/// One QEMU process and its monitor: launched paused (`-S`) with the monitor's socket made
/// beforehand and passed in, so that the driver connects at once and the greeting is the
/// first sign of a ready QEMU, with no polling for a socket file. libvirt's `qemuProcess`.
final class QEMUProcess: Sendable {
    /// The process (our child, or adopted).
    let process: ChildProcess
    /// Its QMP monitor.
    let monitor: QMPMonitor
    /// Where the monitor listens, for the next driver to reconnect.
    let monitorPath: String

    private init(process: ChildProcess, monitor: QMPMonitor, monitorPath: String) {
        self.process = process
        self.monitor = monitor
        self.monitorPath = monitorPath
    }

    /// Where a launch puts its files: `DIR/NAME.monitor` (the monitor's socket) and
    /// `LOGDIR/NAME.log` (QEMU's standard output and error).
    struct Paths: Sendable {
        let monitor: String
        let log: String

        init(runDirectory: String, logDirectory: String, name: String) {
            monitor = runDirectory + "/\(name).monitor"
            log = logDirectory + "/\(name).log"
        }
    }

    /// Starts QEMU for `definition`, paused, and connects its monitor; with `incoming`, QEMU
    /// takes in the saved state read from that descriptor (at its offset). Fails with QEMU's
    /// own words (the end of its log) when it exits instead. QEMU inherits `taps`, the
    /// devices of the definition's tap interfaces in order, then their vhost-net devices
    /// (``QEMUTaps``).
    static func launch(_ definition: DomainDefinition, capabilities: QEMUCapabilities, paths: Paths, incoming: Int32? = nil,
                       taps: QEMUTaps = .none) async throws(VirError) -> QEMUProcess {
        let launch = QEMUCommandLine.Launch(monitorDescriptor: 3, incomingDescriptor: incoming.map { _ in 4 }, firstTapDescriptor: 5,
                                            vhostNetTaps: Set(taps.vhostNet.keys))
        let arguments = try QEMUCommandLine.build(definition, capabilities: capabilities, launch: launch)
        let listener = try SocketListener(unixPath: paths.monitor, mode: 0o600)
        let log = open(paths.log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        let null = open("/dev/null", O_RDONLY | O_CLOEXEC)
        defer {
            if log >= 0 { close(log) }
            if null >= 0 { close(null) }
        }
        guard log >= 0, null >= 0 else {
            listener.close()
            throw Syscall.error("open \(paths.log)", errno: errno, domain: .qemu)
        }
        let logStart = Int(lseek(log, 0, SEEK_END))
        var plan = SpawnPlan(.path(capabilities.emulator), arguments: arguments)
        plan.descriptors = [0: null, 1: log, 2: log, 3: listener.descriptor]
        if let incoming { plan.descriptors[4] = incoming }
        for (offset, tap) in taps.devices.enumerated() { plan.descriptors[launch.firstTapDescriptor + Int32(offset)] = tap.descriptor }
        let firstVhostNet = launch.firstTapDescriptor + Int32(taps.devices.count)
        for (offset, vhostNet) in taps.vhostNet.sorted(by: { $0.key < $1.key }).enumerated() {
            plan.descriptors[firstVhostNet + Int32(offset)] = vhostNet.value
        }
        plan.newSession = true
        // Connected before QEMU runs: the connection waits in the backlog for QEMU to accept
        // it, and a QEMU that fails cannot refuse it first.
        let socket: StreamSocket
        let child: ChildProcess
        do throws(VirError) {
            socket = try StreamSocket.connect(to: paths.monitor)
            do throws(VirError) {
                child = try Spawner.spawn(plan)
            } catch {
                socket.close()
                throw error
            }
        } catch {
            listener.close()
            throw error
        }
        listener.handOver()
        do throws(VirError) {
            let monitor = try await QMPMonitor(socket: socket, timeout: .seconds(30))
            return QEMUProcess(process: child, monitor: monitor, monitorPath: paths.monitor)
        } catch {
            // A QEMU that fails says why on its way out: let it finish before reading.
            if await child.wait(upTo: .seconds(2)) == nil {
                try? child.signal(SIGKILL)
                _ = try? await child.wait()
            }
            unlink(paths.monitor)
            let said = lastLines(of: paths.log, from: logStart)
            throw VirError(.internalError, "qemu unexpectedly closed the monitor: \(said.isEmpty ? error.message : said)", domain: .qemu)
        }
    }

    /// Reconnects to the monitor of a QEMU that an earlier driver started.
    static func adopt(pid: Int32, identity: ProcessIdentity, monitorPath: String) async throws(VirError) -> QEMUProcess {
        let process = try ChildProcess(adopting: pid, identity: identity)
        let monitor = try await QMPMonitor(socket: try StreamSocket.connect(to: monitorPath), timeout: .seconds(3))
        return QEMUProcess(process: process, monitor: monitor, monitorPath: monitorPath)
    }

    /// Ends QEMU: `quit`, then SIGKILL if it has not exited within `grace`. Returns once it
    /// has, with its monitor's socket file removed.
    func terminate(grace: Duration = .seconds(1)) async {
        _ = try? await monitor.execute("quit", timeout: grace)
        if await process.wait(upTo: grace) == nil {
            try? process.signal(SIGKILL)
            _ = try? await process.wait()
        }
        monitor.close()
        removeMonitorSocket()
    }

    /// Removes the monitor's socket file, once QEMU has ended.
    func removeMonitorSocket() {
        unlink(monitorPath)
    }

    /// The last few lines QEMU wrote to its log since byte `start` (this launch's): its
    /// reason for failing, usually.
    private static func lastLines(of path: String, from start: Int) -> String {
        guard let text = try? SystemFile.read(path) else { return "" }
        return String(decoding: text.utf8.dropFirst(max(start, 0)), as: UTF8.self).split(separator: "\n").suffix(3).joined(separator: "\n")
    }
}
