import Foundation
import SwiftVirt
import TestSupport
import Testing
import VirtSystem

/// libvirt's four LXC calls (virDomainLxcOpenNamespace, …EnterNamespace, …EnterCGroup,
/// …EnterSecurityLabel) and `virtsh lxc-enter-namespace`, on real containers.
@Suite("lxc:///embed: libvirt's LXC calls", .enabled(if: canRunContainers, "needs root, namespaces and cgroups"), .serialized)
struct LXCNamespaceTests {
    /// A container with a network namespace of its own.
    private func start(_ sandbox: LXCSandbox, _ name: String, on connection: Connection) async throws -> Domain {
        let xml = sandbox.xml(name).replacingOccurrences(of: "</os>", with: "</os><features><privnet/></features>")
        return try await connection.createDomain(xml: xml)
    }

    /// Device and inode of a namespace, from a descriptor or a path.
    private func identity(_ fd: Int32) -> (UInt64, UInt64) {
        var status = stat()
        fstat(fd, &status)
        return (UInt64(status.st_dev), UInt64(status.st_ino))
    }

    private func identity(_ path: String) -> (UInt64, UInt64) {
        var status = stat()
        stat(path, &status)
        return (UInt64(status.st_dev), UInt64(status.st_ino))
    }

    /// Runs `body` on a thread of its own, which ends afterwards: what it does to its
    /// namespaces and credentials ends with it.
    private func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }

    /// The network interfaces of the calling thread's network namespace.
    private func interfaces() -> [String] {
        guard let list = if_nameindex() else { return [] }
        defer { if_freenameindex(list) }
        var names: [String] = []
        var entry = list
        while entry.pointee.if_index != 0, let name = entry.pointee.if_name {
            names.append(String(cString: name))
            entry += 1
        }
        return names
    }

    private func hostname() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        gethostname(&buffer, buffer.count)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    @Test func openNamespaceGivesTheContainersNamespacesInLibvirtsOrder() async throws {
        let sandbox = LXCSandbox()
        let connection = try await sandbox.open()
        let domain = try await start(sandbox, "opened", on: connection)
        let fds = try await domain.lxcOpenNamespace()
        defer { for fd in fds { close(fd) } }
        #expect(try fds.map(NamespaceDescriptor.kind(of:)) == NamespaceSet.libvirtOrder)
        for (fd, kind) in zip(fds, NamespaceSet.libvirtOrder) {
            let name = kind.description
            #expect(identity(fd) == identity("/proc/\(domain.id)/ns/\(name)"), "\(name)")
        }
        // Private namespaces differ from ours; the user namespace (no <idmap>) is the host's.
        #expect(try !NamespaceDescriptor.isCurrent(fds[1]) && !NamespaceDescriptor.isCurrent(fds[3]))
        #expect(try NamespaceDescriptor.isCurrent(fds[0]))

        await expectError(.invalidArg) { _ = try await domain.lxcOpenNamespace(flags: LxcFlags(rawValue: 1)) }
        let readOnly = try await Connection.open(sandbox.uri, readOnly: true)
        await expectError(.operationDenied) { _ = try await readOnly.lookupDomain(name: "opened").lxcOpenNamespace() }
        try await domain.destroy()
        await expectError(.noDomain) { _ = try await domain.lxcOpenNamespace() }
        let defined = try await connection.defineDomain(xml: sandbox.xml("off"))
        await expectError(.operationInvalid) { _ = try await defined.lxcOpenNamespace() }
    }

    @Test func enterNamespaceMovesTheCallingThreadInAndBack() async throws {
        let sandbox = LXCSandbox()
        let connection = try await sandbox.open()
        let domain = try await start(sandbox, "inside", on: connection)
        let fds = try await domain.lxcOpenNamespace()
        defer { for fd in fds { close(fd) } }
        let host = hostname()
        let seen = try await onOwnThread { () throws -> [String] in
            let old = try domain.lxcEnterNamespace(fds, savingOld: true)
            defer { for fd in old { close(fd) } }
            let inside = [self.hostname(), self.interfaces().joined(separator: ","), "\(try NamespaceDescriptor.isCurrent(fds[5]))"]
            _ = try domain.lxcEnterNamespace(old)
            return inside + [self.hostname(), "\(try NamespaceDescriptor.isCurrent(fds[5]))", "\(old.count)"]
        }
        #expect(seen[0] == "inside")
        #expect(seen[1] == "lo")  // only the private loopback
        #expect(seen[2] == "true")  // in the container's mount namespace
        #expect(seen[3] == host && seen[4] == "false" && seen[5] == "6")
        #expect(hostname() == host)  // other threads never moved

        await expectError(.invalidArg) { _ = try domain.lxcEnterNamespace([]) }
        let null = open("/dev/null", O_RDONLY)
        defer { close(null) }
        await expectError(.invalidArg) { _ = try domain.lxcEnterNamespace([null]) }
        await expectError(.invalidArg) { _ = try domain.lxcEnterNamespace(fds, flags: LxcFlags(rawValue: 4)) }
        try await domain.destroy()
    }

    @Test func enterCGroupPutsAProcessInTheContainersCgroups() async throws {
        let sandbox = LXCSandbox()
        let connection = try await sandbox.open()
        let domain = try await start(sandbox, "grouped", on: connection)
        let sleeper = try Spawner.spawn(SpawnPlan(path: "/bin/sleep", "1000"))
        try await domain.lxcEnterCGroup(process: sleeper.pid)
        func memoryLine(_ pid: Int32) throws -> String? {
            try String(contentsOfFile: "/proc/\(pid)/cgroup", encoding: .utf8).split(separator: "\n").first { $0.contains(":memory:") }.map(String.init)
        }
        #expect(try memoryLine(sleeper.pid) == memoryLine(domain.id))
        #expect(try memoryLine(sleeper.pid)?.contains("/swiftvirt/ctx-") == true)

        let readOnly = try await Connection.open(sandbox.uri, readOnly: true)
        await expectError(.operationDenied) { try await readOnly.lookupDomain(name: "grouped").lxcEnterCGroup(process: sleeper.pid) }
        // Destroying the container ends every process in its cgroups, the one we put there too.
        try await domain.destroy()
        for _ in 0..<500 where try sleeper.exitStatus() == nil { try await Task.sleep(for: .milliseconds(10)) }
        #expect(try sleeper.exitStatus() != nil)
        await expectError(.operationInvalid) {
            try await Domain(connection: connection, identity: DomainIdentity(name: "grouped", uuid: domain.uuid, id: -1)).lxcEnterCGroup()
        }
    }

    @Test func enterSecurityLabelSwitchesTheThreadsIdsUnderDAC() async throws {
        let sandbox = LXCSandbox()
        let connection = try await sandbox.open()
        let domain = try await connection.defineDomain(xml: sandbox.xml("labelled")).create()
        let model = try await connection.securityModel()
        #expect(model == SecurityModel(model: "dac", doi: "0"))
        let label = try await domain.securityLabel()
        #expect(label == DomainSecurityLabel(label: "+0:+0", enforcing: true))

        let nobody = DomainSecurityLabel(label: "+65534:+65534", enforcing: true)
        let ids = try await onOwnThread { () throws -> [String] in
            let old = try Domain.lxcEnterSecurityLabel(model: model, label: nobody)
            let switched = "\(geteuid()):\(getegid())"
            _ = try Domain.lxcEnterSecurityLabel(model: model, label: old)
            return [old.label, switched, "\(geteuid()):\(getegid())"]
        }
        #expect(ids == ["+0:+0", "65534:65534", "0:0"])
        #expect(geteuid() == 0)  // only that thread changed

        #expect(try Domain.lxcEnterSecurityLabel(model: SecurityModel(model: "none", doi: "0"), label: nobody).label == "")
        for other in ["selinux", "apparmor", "smack"] {
            await expectError(.argumentUnsupported) { _ = try Domain.lxcEnterSecurityLabel(model: SecurityModel(model: other, doi: "0"), label: nobody) }
        }
        for bad in ["", "0", "1:2:3", "+x:+0", "no-such-user-here:0"] {
            await expectError(.invalidArg) { _ = try Domain.lxcEnterSecurityLabel(model: model, label: DomainSecurityLabel(label: bad, enforcing: true)) }
        }
        await expectError(.invalidArg) { _ = try Domain.lxcEnterSecurityLabel(model: model, label: nobody, flags: LxcFlags(rawValue: 1)) }
        try await domain.destroy()
        #expect(try await connection.lookupDomain(name: "labelled").securityLabel().label == "")
    }

    @Test func virtshLxcEnterNamespaceRunsACommandInside() async throws {
        let sandbox = LXCSandbox()
        let connection = try await sandbox.open()
        let domain = try await start(sandbox, "entered", on: connection)
        let run = try sandbox.virtsh(["lxc-enter-namespace", "entered", "--", "/bin/sh", "-c", EnteredContainerReport.script])
        #expect(run.status == 0, "\(run.errors)")
        let report = try #require(EnteredContainerReport(run.output), "\(run.output)")
        #expect(report.hostname == "entered" && report.runsInTheContainersPidNamespace)
        #expect(report.initCommand == "/bin/sh -c sleep 1000 " && report.uid == "0")
        // In the cgroups of the container's init, as the host sees them.
        let initCgroups = try String(contentsOfFile: "/proc/\(domain.id)/cgroup", encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(report.cgroups == initCgroups)

        let failing = try sandbox.virtsh(["lxc-enter-namespace", "entered", "--noseclabel", "--", "/bin/sh", "-c", "exit 3"])
        #expect(failing.status == 1 && failing.errors.contains("unexpected exit status 3"), "\(failing.errors)")
        let missing = try sandbox.virtsh(["lxc-enter-namespace", "entered", "--", "/no/such/program"])
        #expect(missing.status == 1 && missing.errors.contains("cannot run /no/such/program"), "\(missing.errors)")
        let noCommand = try sandbox.virtsh(["lxc-enter-namespace", "entered"])
        #expect(noCommand.status == 1 && noCommand.errors.contains("requires <cmd> option"))
        try await domain.destroy()
        let stopped = try sandbox.virtsh(["lxc-enter-namespace", "entered", "--", "/bin/true"])
        #expect(stopped.status == 1 && stopped.errors.contains("failed to get domain 'entered'"))
    }

    @Test func theEnteringHelperRunsFromASealedCopyTheContainerCannotChange() async throws {
        let sandbox = LXCSandbox()
        let connection = try await sandbox.open()
        let domain = try await start(sandbox, "sealed", on: connection)
        let marker = "marker-\(UUID().uuidString)"
        let virtsh = Process()
        virtsh.executableURL = URL(fileURLWithPath: try #require(LXCSandbox.virtshPath()))
        virtsh.arguments = ["-c", sandbox.uri, "lxc-enter-namespace", "sealed", "--", "/bin/sh", "-c", "echo ready; exec sleep 30", marker]
        let output = Pipe()
        virtsh.standardOutput = output
        virtsh.standardError = FileHandle.nullDevice  // its error once the container is destroyed
        try virtsh.run()
        defer { if virtsh.isRunning { virtsh.terminate() } }
        #expect(read(output.fileHandleForReading.fileDescriptor, until: "ready").contains("ready"))
        // The process that entered (the command's parent) runs from a sealed memfd, not from
        // a file on the host that the container could reach through /proc/PID/exe.
        let helpers = try FileManager.default.contentsOfDirectory(atPath: "/proc").compactMap(Int32.init).filter { pid in
            let arguments = (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? ""
            return arguments.hasPrefix("swiftvirt-enter\0") && arguments.contains(marker)
        }
        try #require(helpers.count == 1)
        let exe = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(helpers[0])/exe")
        #expect(exe.hasPrefix("/memfd:swiftvirt-enter"), "\(exe)")
        let copy = open("/proc/\(helpers[0])/exe", O_WRONLY)
        #expect(copy < 0)  // sealed against writing
        if copy >= 0 { close(copy) }
        try await domain.destroy()  // ends the command, then the helper and virtsh
        virtsh.waitUntilExit()
        #expect(virtsh.terminationStatus == 1)
    }
}
