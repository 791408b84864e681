import Glibc
import VirtCore
import VirtError
import VirtSystem
import VirtXML

extension QEMUDriver {
    /// Takes over the QEMUs an earlier driver started on this root, from their run files:
    /// reconnects each monitor, asks QEMU its state, and watches it. A QEMU that is gone
    /// has its run files removed; one whose monitor does not answer (another process holds
    /// it) is left alone, its files kept. libvirt's `qemuProcessReconnect`.
    func adoptRunningDomains() async {
        for (definition, status) in store.loadRuns() {
            let name = definition.name
            let paths = store.paths(of: name)
            let qemu: QEMUProcess
            do throws(VirError) {
                qemu = try await QEMUProcess.adopt(pid: status.pid, identity: status.identity, monitorPath: paths.monitor)
            } catch {
                if (try? ChildProcess(adopting: status.pid, identity: status.identity)) == nil {
                    store.removeRun(name)
                    unlink(paths.monitor)
                }
                continue
            }
            let (state, reason) = await Self.reportedState(of: qemu)
            let vm = QEMURunningDomain(id: status.id, qemu: qemu)
            domains.withLock { domains in
                // It is persistent exactly when it has a definition in config/, which may
                // have changed (defined anew) while it ran.
                let persistent = domains[name]?.definition
                var domain = QEMUDomain(definition: definition, isPersistent: persistent != nil)
                domain.pendingDefinition = persistent
                domain.running = vm
                (domain.state, domain.reason) = (state, reason)
                domains[name] = domain
            }
            nextID.withLock { $0 = max($0, status.id + 1) }
            watch(name, vm)
        }
    }

    /// The state QEMU reports (`query-status`), as libvirt's states go.
    private static func reportedState(of qemu: QEMUProcess) async -> (DomainState, DomainStateReason) {
        switch (try? await qemu.monitor.execute("query-status"))?["status"]?.stringValue {
        case "running": (.running, .runningUnpaused)
        case "shutdown": (.shutdown, .shutdownUser)
        case "guest-panicked": (.crashed, .crashedPanicked)
        default: (.paused, .pausedUnknown)
        }
    }

    /// Starts every autostart domain that is not running, on the first open of the root
    /// since the host booted (libvirt's `qemuAutostartDomains`). A domain that fails to
    /// start stays shut off; the others start.
    func autostartDomains() async {
        let identities = domains.withLock { domains in domains.namesToAutostart(in: store).compactMap { domains[$0]?.identity } }
        for identity in identities {
            _ = try? await start(identity, flags: [])
        }
    }
}
