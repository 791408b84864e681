import Foundation
import SwiftVirt
import Testing
import VirtContexts

/// Which definition a container runs with and keeps, across define, createXML, undefine, a
/// restart that fails, and adoption by another process.
@Suite("lxc:///embed: persistent and live definitions", .enabled(if: canRunContainers, "needs root, namespaces and cgroups"), .serialized)
struct LXCDefinitionTests {
    @Test func definingARunningTransientContainerMakesItPersistentAlsoForTheNextProcess() async throws {
        let sandbox = LXCSandbox()
        let first = try await sandbox.open()
        _ = try await first.createDomain(xml: sandbox.xml("flip", memoryKiB: 65536))
        _ = try await first.defineDomain(xml: sandbox.xml("flip", memoryKiB: 98304))
        await first.close()

        let second = try await sandbox.open()
        let adopted = try await second.lookupDomain(name: "flip")
        #expect(try await adopted.isPersistent())
        #expect(try await adopted.definition().memory == 65536, "it runs with the definition it started with")
        #expect(try await adopted.definition(flags: .inactive).memory == 98304, "and keeps the one defined since")
        try await adopted.destroy()
        let stopped = try await second.lookupDomain(name: "flip")
        #expect(try await stopped.state() == (.shutoff, .shutoffDestroyed))
        #expect(try await stopped.definition().memory == 98304)
    }

    @Test func undefiningARunningContainerMakesItTransientAlsoForTheNextProcess() async throws {
        let sandbox = LXCSandbox()
        let first = try await sandbox.open()
        let running = try await first.defineDomain(xml: sandbox.xml("fleeting")).create()
        try await running.undefine()
        #expect(try await !running.isPersistent())

        let second = try await sandbox.open()
        let adopted = try await second.lookupDomain(name: "fleeting")
        #expect(try await !adopted.isPersistent())
        try await adopted.destroy()
        await expectError(.noDomain) { _ = try await second.lookupDomain(name: "fleeting") }
    }

    @Test func createXMLOfADefinedContainerKeepsItsDefinitionForLater() async throws {
        let sandbox = LXCSandbox()
        let connection = try await sandbox.open()
        _ = try await connection.defineDomain(xml: sandbox.xml("twice", memoryKiB: 65536))
        let running = try await connection.createDomain(xml: sandbox.xml("twice", memoryKiB: 98304))
        #expect(try await running.isPersistent())
        #expect(try await running.definition().memory == 98304)
        #expect(try await running.definition(flags: .inactive).memory == 65536)
        try await running.destroy()
        let stopped = try await connection.lookupDomain(name: "twice")
        #expect(try await stopped.definition().memory == 65536)
        #expect(try await connection.listAllDomains(flags: .inactive).map(\.name) == ["twice"])
    }

    @Test func aRestartThatFailsLeavesTheContainerShutOffWithItsStopReported() async throws {
        let sandbox = LXCSandbox()
        try FileManager.default.createDirectory(atPath: sandbox.exchange, withIntermediateDirectories: true)
        let initPath = sandbox.exchange + "/init"
        try FileManager.default.copyItem(atPath: URL(fileURLWithPath: "/bin/sh").resolvingSymlinksInPath().path, toPath: initPath)
        let connection = try await sandbox.open()
        let stream = try await connection.lifecycleEvents()
        let xml = sandbox.xml("fragile", init: initPath).replacingOccurrences(of: "</os>", with: "</os><on_crash>restart</on_crash>")
        let domain = try await connection.defineDomain(xml: xml).create()
        try FileManager.default.removeItem(atPath: initPath)  // the restart cannot exec it
        try await sandbox.context(of: domain).kill(pid: 0, signal: SIGKILL)  // a crash, not a destroy

        let seen = await events(of: "fragile", in: stream, through: .stopped).map(\.detail)
        #expect(seen == [.definedAdded, .startedBooted, .stoppedCrashed])
        #expect(try await connection.lookupDomain(name: "fragile").state() == (.shutoff, .shutoffCrashed))
    }

    @Test func anAutostartContainerStartsOnTheFirstOpenAfterABootOnly() async throws {
        let sandbox = LXCSandbox()
        let connection = try await sandbox.open()
        let domain = try await connection.defineDomain(xml: sandbox.xml("early"))
        #expect(try await domain.autostart() == false)
        try await domain.setAutostart(true)
        #expect(try await domain.autostart())
        #expect(try await connection.listAllDomains(flags: .autostart).map(\.name) == ["early"])
        #expect(try await connection.listAllDomains(flags: .noAutostart).isEmpty)

        // This boot's first open has happened: opening again starts nothing.
        #expect(try await sandbox.open().lookupDomain(name: "early").isActive() == false)
        // The next boot's first open starts it (the marker records another boot's id).
        try "another-boot\n".write(toFile: sandbox.root + "/run/autostarted", atomically: true, encoding: .utf8)
        let rebooted = try await sandbox.open()
        #expect(try await rebooted.lookupDomain(name: "early").isActive())
        try await rebooted.lookupDomain(name: "early").destroy()

        let transient = try await connection.createDomain(xml: sandbox.xml("passing"))
        await expectError(.operationInvalid) { try await transient.setAutostart(true) }
        try await transient.destroy()
        try await domain.undefine()  // takes its autostart link along
        #expect(!FileManager.default.fileExists(atPath: sandbox.root + "/autostart/early.xml"))
        let redefined = try await connection.defineDomain(xml: sandbox.xml("early"))
        #expect(try await redefined.autostart() == false)
    }

    @Test func theInitRunsInItsDirectoryAsItsUserAndGroup() async throws {
        let sandbox = LXCSandbox()
        let connection = try await sandbox.open()
        try FileManager.default.createDirectory(atPath: sandbox.exchange, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o777])
        let script = "echo $(pwd) $(id -u) $(id -g) $(id -G) > \(sandbox.exchange)/ids; exec sleep 1000"
        let xml = sandbox.xml("user", args: ["-c", script])
            .replacingOccurrences(of: "</os>", with: "<initdir>/tmp</initdir><inituser>nobody</inituser><initgroup>65534</initgroup></os>")
        let domain = try await connection.createDomain(xml: xml)
        #expect(try await sandbox.report("ids") == "/tmp 65534 65534 65534\n")
        #expect(try await domain.securityLabel().label == "+65534:+65534")
        try await domain.destroy()

        let stranger = sandbox.xml("stranger").replacingOccurrences(of: "</os>", with: "<inituser>no-such-user-here</inituser></os>")
        await expectError(.invalidArg) { _ = try await connection.createDomain(xml: stranger) }
        let relative = sandbox.xml("relative").replacingOccurrences(of: "</os>", with: "<initdir>tmp</initdir></os>")
        await expectError(.configUnsupported) { _ = try await connection.defineDomain(xml: relative) }
        #expect(try await connection.listAllDomains().isEmpty)
    }
}
