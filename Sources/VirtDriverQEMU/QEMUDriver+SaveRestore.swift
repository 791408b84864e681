import Glibc
import VirtCore
import VirtError
import VirtXML

extension QEMUDriver {
    /// Corresponds to `virDomainSaveFlags`: the guest paused, its state streamed by QEMU
    /// into `path` after libvirt's header and the domain XML (`xml` replaces it, for the
    /// same name and UUID), with the bandwidth raised; then QEMU ends, the domain shut off
    /// as saved. A failed save removes the file and lets the guest run on.
    public func save(_ identity: DomainIdentity, to path: String, xml: String?, flags: SaveRestoreFlags) async throws {
        try flags.check(supported: [.bypassCache, .running, .paused], function: "qemuDomainSaveFlags", domain: .qemu)
        var replacement: DomainDefinition? = nil
        if let xml { replacement = try await prepare(xml) }
        try await job(identity) { (vm) throws(VirError) in
            let domain = try find(identity)
            if let replacement { try Self.checkSameDomain(replacement, as: domain.definition) }
            let wasRunning = flags.contains(.running) || !flags.contains(.paused) && domain.state == .running
            let fd = try QEMUSaveFile(xml: (replacement ?? domain.definition).format(), wasRunning: wasRunning).create(path)
            defer { Glibc.close(fd) }
            let pausedHere = domain.state == .running
            do throws(VirError) {
                if pausedHere { try await stopGuest(of: identity.name, vm, reason: .pausedSave) }
                try await streamState(of: vm, to: fd)
                guard fsync(fd) == 0 else { throw VirError(.systemError, "cannot sync save file '\(path)': \(String(cString: strerror(errno)))", domain: .qemu) }
            } catch {
                unlink(path)
                if pausedHere { try? await continueGuest(of: identity.name, vm, reason: .runningUnpaused) }
                throw error
            }
            await end(vm, of: identity.name, as: .saved)
        }
    }

    /// Corresponds to `virDomainRestoreFlags`: starts the domain in the save image at `path`
    /// (its XML, or `xml` for the same name and UUID) from the state in it, running or
    /// paused as it was saved, unless `RUNNING` or `PAUSED` say otherwise. While QEMU reads
    /// the state, the domain's job info reports how much of the file it has read.
    public func restore(from path: String, xml: String?, flags: SaveRestoreFlags) async throws {
        try flags.check(supported: [.bypassCache, .running, .paused], function: "qemuDomainRestoreFlags", domain: .qemu)
        let (image, fd) = try QEMUSaveFile.open(path)
        defer { Glibc.close(fd) }
        let stateStart = Self.offset(of: fd)
        var status = stat()
        let fileSize = fstat(fd, &status) == 0 ? UInt64(max(status.st_size, 0)) : 0
        let stateSize = max(fileSize, stateStart) - stateStart
        var definition = try await prepare(image.xml)
        if let xml {
            let replacement = try await prepare(xml)
            try Self.checkSameDomain(replacement, as: definition)
            definition = replacement
        }
        let identity = try await startTransient(definition, paused: true, reason: (.runningRestored, .startedRestored), incoming: fd)
        let runs = flags.contains(.running) || !flags.contains(.paused) && image.wasRunning
        do throws(VirError) {
            try await job(identity) { (vm) throws(VirError) in
                defer { vm.jobProgress.withLock { $0 = nil } }
                // QEMU's descriptor shares this one's file offset: how far it has read.
                try await vm.qemu.waitForMigration { progress in
                    let read = min(max(Self.offset(of: fd), stateStart) - stateStart, stateSize)
                    vm.jobProgress.withLock { $0 = DomainJobInfo(elapsed: progress.timeElapsed, memoryProcessed: read, memoryRemaining: stateSize - read, memoryTotal: stateSize) }
                }
                if runs {
                    try await continueGuest(of: identity.name, vm, reason: .runningRestored)
                } else {
                    mutate { (domains, _) in domains[identity.name]?.reason = .pausedSave }
                }
            }
        } catch {
            if let vm = try? running(identity) { await end(vm, of: identity.name, as: .destroyed) }
            throw error
        }
    }

    /// Corresponds to `virDomainSaveImageGetXMLDesc`: the XML in the save image at `path`.
    public func saveImageXML(path: String, flags: DomainXMLFlags) async throws -> String {
        try flags.check(supported: .secure, function: "qemuDomainSaveImageGetXMLDesc", domain: .qemu)
        let (image, fd) = try QEMUSaveFile.open(path)
        Glibc.close(fd)
        return image.xml
    }

    /// Corresponds to `virDomainCoreDump`: with `MEMORY_ONLY`, the guest's memory as an ELF
    /// core file (QEMU's `dump-guest-memory`); without, as libvirt writes it, QEMU's whole
    /// state as its migration stream (what `crash` reads as a QEMU save file). Either goes
    /// into the file's descriptor passed over QMP, the guest paused for it unless `LIVE`
    /// (the migration stream pauses it at its end anyway). Then `CRASH` stops the domain as
    /// crashed, `RESET` resets the guest, and a guest that was running runs on. A failed
    /// dump removes the file and changes nothing.
    public func coreDump(_ identity: DomainIdentity, to path: String, flags: DumpFlags) async throws {
        try flags.check(supported: [.crash, .live, .bypassCache, .reset, .memoryOnly], function: "qemuDomainCoreDumpWithFormat", domain: .qemu)
        try await job(identity) { (vm) throws(VirError) in
            let state = try find(identity).state
            let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw VirError(.systemError, "Failed to create file '\(path)': \(String(cString: strerror(errno)))", domain: .qemu) }
            defer { Glibc.close(fd) }
            let pausedHere = !flags.contains(.live) && state == .running
            // The migration stream stops the guest at its end, live or not.
            let resumes = state == .running && (pausedHere || !flags.contains(.memoryOnly))
            do throws(VirError) {
                if resumes {
                    mutate { (domains, _) in domains[identity.name]?.expectedReason = .pausedDump }
                }
                if pausedHere { try await stopGuest(of: identity.name, vm, reason: .pausedDump) }
                if flags.contains(.memoryOnly) {
                    _ = try await vm.qemu.monitor.execute("getfd", arguments: .object([("fdname", .string("dump"))]), passing: fd)
                    _ = try await vm.qemu.monitor.execute("dump-guest-memory", arguments: .object([("paging", .bool(false)), ("protocol", .string("fd:dump"))]))
                } else {
                    try await streamState(of: vm, to: fd)
                }
                guard fsync(fd) == 0 else { throw VirError(.systemError, "cannot sync dump file '\(path)': \(String(cString: strerror(errno)))", domain: .qemu) }
            } catch {
                unlink(path)
                if resumes { try? await continueGuest(of: identity.name, vm, reason: .runningUnpaused) }
                throw error
            }
            if flags.contains(.crash) { return await end(vm, of: identity.name, as: .crashed) }
            if flags.contains(.reset) { _ = try await vm.qemu.monitor.execute("system_reset") }
            if resumes { try await continueGuest(of: identity.name, vm, reason: .runningUnpaused) }
        }
    }

    /// Streams `vm`'s state into `fd` (QEMU's migration, which leaves the guest paused), its
    /// progress reported meanwhile as the domain's job info.
    func streamState(of vm: QEMURunningDomain, to fd: Int32) async throws(VirError) {
        defer { vm.jobProgress.withLock { $0 = nil } }
        vm.jobProgress.withLock { $0 = DomainJobInfo(elapsed: 0, memoryProcessed: 0, memoryRemaining: 0, memoryTotal: 0) }
        try await vm.qemu.migrate(to: fd) { progress in vm.jobProgress.withLock { $0 = progress } }
    }

    /// Corresponds to `virDomainGetJobInfo`: the progress of a save under way.
    public func jobInfo(_ identity: DomainIdentity) async throws -> DomainJobInfo {
        let vm = try find(identity).running
        return vm?.jobProgress.withLock { $0 } ?? DomainJobInfo()
    }

    /// The file offset of `descriptor` (0 if it has none).
    private static func offset(of descriptor: Int32) -> UInt64 {
        UInt64(max(lseek(descriptor, 0, SEEK_CUR), 0))
    }

    /// libvirt's ABI check, in the part that matters here: the replacement definition of a
    /// save or restore is for the same domain.
    static func checkSameDomain(_ replacement: DomainDefinition, as original: DomainDefinition) throws(VirError) {
        guard replacement.name == original.name else {
            throw VirError(.configUnsupported, "Target domain name '\(replacement.name)' does not match source '\(original.name)'", domain: .domain)
        }
        guard replacement.uuid == original.uuid else {
            throw VirError(.configUnsupported, "Target domain uuid \(replacement.uuid) does not match source \(original.uuid)", domain: .domain)
        }
    }
}
