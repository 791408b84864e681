import Foundation
import SwiftVirt
import TestSupport
import VirtContexts

/// Whether real containers can run here: root, namespaces and cgroups.
let canRunContainers = getuid() == 0 && FileManager.default.fileExists(atPath: "/proc/self/ns/pid")

/// A driver the conformance suite runs against. Each test gets a fresh, private node with
/// the same starting state as `test:///default`: one running persistent domain "test"
/// (UUID 6695eb01-…, 8 GiB maximum, 2 GiB current, 2 vcpus).
///
/// Calls that a driver does not have (``Feature``) are left out of its runs; where drivers
/// rightly differ (a container's domain id is its init's pid, its memory the memory in use),
/// the target says how.
struct ConformanceTarget: Sendable, CustomTestStringConvertible {
    /// Calls not every driver has.
    enum Feature: Sendable {
        /// `virDomainReset`.
        case reset
        /// `virDomainCoreDump`.
        case coreDump
        /// `virDomainSave` / `virDomainRestore`.
        case saveRestore
        /// The snapshot calls.
        case snapshots
        /// `virConnectGetCapabilities`.
        case capabilities
        // Where SwiftVirt's drivers go beyond libvirt 9.0's test driver, by design:
        /// `on_crash` applies to a `VIR_DUMP_CRASH` core dump (libvirt's test driver always
        /// shuts the domain off).
        case crashPolicy
        /// Every snapshot-creation flag of the API with its rules (libvirt's test driver
        /// refuses NO_METADATA and DISK_ONLY, and takes QUIESCE alone).
        case allSnapshotFlags
        /// Reverting to a shut-off snapshot with REVERT_RUNNING starts the domain (libvirt
        /// 9.0's test driver only sends the STARTED event).
        case revertStartsShutoffSnapshots
        /// A domain name that would be a hidden file (`.hidden`) is refused.
        case refusesHiddenNames
        /// Suspending a paused domain, or resuming a running one, is an error (libvirt's
        /// QEMU driver does nothing instead, and so does SwiftVirt's).
        case refusesRepeatedPauseAndResume
        /// Its guests shut down and reboot when asked (a machine's guest must handle the ACPI
        /// power button: the QEMU driver's are tested with one in its own suites).
        case guestPowerControl
        /// Any vcpu of a running domain can be taken away (a QEMU's boot vCPUs cannot be
        /// unplugged, in libvirt as here: its hotplug is tested in its own suites).
        case liveVcpuUnplug
        /// `VIR_DOMAIN_UNDEFINE_NVRAM` is refused (the QEMU driver takes it, having no NVRAM
        /// to keep).
        case refusesNvramFlag
    }

    /// SwiftVirt's test driver's features, in process or through virtd.
    static let testDriverFeatures: Set<Feature> = [.reset, .coreDump, .saveRestore, .snapshots, .capabilities, .crashPolicy, .allSnapshotFlags,
                                                   .revertStartsShutoffSnapshots, .refusesHiddenNames, .refusesRepeatedPauseAndResume,
                                                   .guestPowerControl, .liveVcpuUnplug, .refusesNvramFlag]

    /// A short name for test output.
    let name: String
    /// Makes a fresh node and returns its URI, and the clean-up to run afterwards.
    let makeNode: @Sendable () async throws -> (uri: String, cleanup: @Sendable () -> Void)
    /// The error codes the driver uses when a domain's state forbids a call. libvirt's test
    /// driver reports `VIR_ERR_INTERNAL_ERROR` for suspend/resume/start/shutdown in the wrong
    /// state; SwiftVirt's test driver keeps that for byte-for-byte parity with virsh.
    let wrongStateCodes: Set<ErrorCode>
    /// The calls it has of those not every driver has.
    let features: Set<Feature>
    /// `<domain type>` of its definitions.
    let domainType: String
    /// What `virDomainGetOSType` reports.
    let osType: String
    /// Whether `virDomainGetInfo` reports the balloon (the current memory) as memory, rather
    /// than the memory in use.
    let reportsBalloon: Bool
    /// Whether a domain keeps its id across a reboot.
    let keepsIDOnReboot: Bool
    /// The `<os>` element and anything the driver's definitions need besides the common ones.
    let osXML: String
    /// The devices of its definitions.
    var devicesXML = ""

    var testDescription: String { name }

    /// The in-memory test driver, on a private node file.
    static let testDriver = testNode(name: "test", features: testDriverFeatures) { path in ("test://" + path, {}) }

    /// The remote driver to a virtd of the test's own, serving the same private node.
    static let remoteVirtd = testNode(name: "remote→virtd", features: testDriverFeatures) { path in
        let daemon = try await offPool { try VirtdProcess(directory: "/tmp/swiftvirt-conf-virtd-\(UUID().uuidString)") }
        return ("test+unix://\(path)?socket=\(daemon.socket)", {
            daemon.stop()
            try? FileManager.default.removeItem(atPath: daemon.directory)
        })
    }

    /// The remote driver to a stock libvirtd 9.0 of the test's own, whose test driver serves
    /// the same private node: SwiftVirt's client against the reference daemon.
    static let remoteLibvirtd = testNode(name: "remote→libvirtd", features: [.reset, .coreDump, .saveRestore, .snapshots, .capabilities,
                                                                              .guestPowerControl, .liveVcpuUnplug, .refusesNvramFlag,
                                                                              .refusesRepeatedPauseAndResume]) { path in
        let daemon = try await offPool { try LibvirtdFixture() }
        return ("test+unix://\(path)?socket=\(daemon.socket)", { daemon.stop() })
    }

    /// A target of the test driver's node (``nodeXML``) in a private file, reached by the URI
    /// `reach` makes of the file's path (with its own clean-up).
    private static func testNode(name: String, features: Set<Feature>,
                                 reach: @escaping @Sendable (String) async throws -> (uri: String, cleanup: @Sendable () -> Void))
        -> ConformanceTarget {
        ConformanceTarget(name: name, makeNode: {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftvirt-conf-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let file = directory.appendingPathComponent("node.xml")
            try nodeXML.write(to: file, atomically: true, encoding: .utf8)
            let removeNode: @Sendable () -> Void = { try? FileManager.default.removeItem(at: directory) }
            do {
                let (uri, cleanup) = try await reach(file.path)
                return (uri, { cleanup(); removeNode() })
            } catch {
                removeNode()
                throw error
            }
        }, wrongStateCodes: [.operationInvalid, .internalError], features: features,
           domainType: "test", osType: "linux", reportsBalloon: true, keepsIDOnReboot: true,
           osXML: "<os><type>hvm</type></os>")
    }

    /// The container driver, embedded, on a root of its own: real containers, so only where
    /// they can run (root, namespaces, cgroups). Its init handles SIGTERM, so that shutdown
    /// works as on a machine.
    static let lxcDriver = ConformanceTarget(name: "lxc", makeNode: {
        let root = ContextSystem.runBase + "/conformance-\(UUID().uuidString)"
        return try await startingTheTestDomain(uri: "lxc:///embed?root=\(root)", type: "lxc", os: lxcOS, devices: "") {
            (try? ContextSystem(root: root + "/contexts"))?.destroyEverything()
            try? FileManager.default.removeItem(atPath: root)
        }
    }, wrongStateCodes: [.operationInvalid], features: [.refusesHiddenNames, .refusesRepeatedPauseAndResume, .guestPowerControl, .liveVcpuUnplug, .refusesNvramFlag],
       domainType: "lxc", osType: "exe",
       reportsBalloon: false, keepsIDOnReboot: false, osXML: lxcOS)

    /// The QEMU driver, embedded, on a root of its own: real KVM machines (microvm, whose
    /// firmware finds nothing to boot and halts), where QEMU and /dev/kvm are there.
    static let qemuDriver = ConformanceTarget(name: "qemu", makeNode: {
        let root = "/tmp/swiftvirt-conformance-qemu-\(UUID().uuidString)"
        return try await startingTheTestDomain(uri: "qemu:///embed?root=\(root)", type: "kvm", os: qemuOS, devices: qemuDevices) {
            endQEMUs(underRoot: root)
            try? FileManager.default.removeItem(atPath: root)
        }
    }, wrongStateCodes: [.operationInvalid], features: [.reset, .saveRestore, .refusesHiddenNames], domainType: "kvm", osType: "hvm",
       reportsBalloon: true, keepsIDOnReboot: true, osXML: qemuOS, devicesXML: qemuDevices)

    /// Defines and starts the conformance suite's "test" domain (8 GiB, 2 GiB current, as
    /// `test:///default`'s) of `type` on a stateful driver's fresh root at `uri`; the node
    /// and its clean-up, which also runs if the start fails.
    private static func startingTheTestDomain(uri: String, type: String, os: String, devices: String,
                                              cleanup: @escaping @Sendable () -> Void) async throws -> (uri: String, cleanup: @Sendable () -> Void) {
        do {
            let connection = try await Connection.open(uri)
            let test = definition(type: type, os: os, devices: devices, "test", uuid: "6695eb01-f6a4-8304-79aa-97f2502e193f", memoryKiB: 8_388_608)
                .replacingOccurrences(of: "</memory>", with: "</memory><currentMemory unit='KiB'>2097152</currentMemory>")
            _ = try await connection.defineDomain(xml: test).create()
            await connection.close()
        } catch {
            cleanup()
            throw error
        }
        return (uri, cleanup)
    }

    static let qemuOS = "<os><type arch='x86_64' machine='microvm'>hvm</type></os>"
    /// A balloon, for the memory calls.
    static let qemuDevices = "<memballoon model='virtio'/>"
    /// Whether QEMU and a usable /dev/kvm are there.
    static let canRunMachines = access("/usr/bin/qemu-system-x86_64", X_OK) == 0 && access("/dev/kvm", R_OK | W_OK) == 0

    /// A container's `<os>`: a shell that ends on SIGTERM, as a machine's init does.
    static let lxcOS = "<os><type>exe</type><init>/bin/sh</init><initarg>-c</initarg><initarg>trap 'exit 0' TERM; sleep 1000 &amp; wait</initarg></os>"

    /// Every target the suite runs on: the test driver in process, and through the remote
    /// driver to virtd and to a stock libvirtd (where libvirtd can run), and the container
    /// driver where containers can run.
    static let all: [ConformanceTarget] = [.testDriver, .remoteVirtd] + (LibvirtdFixture.unavailable == nil ? [.remoteLibvirtd] : [])
        + (canRunContainers ? [.lxcDriver] : []) + (canRunMachines ? [.qemuDriver] : [])

    /// The targets that have `feature`.
    static func having(_ feature: Feature) -> [ConformanceTarget] { all.filter { $0.features.contains(feature) } }

    /// Opens a fresh node and runs `body` with a connection to it.
    func withConnection(readOnly: Bool = false, _ body: (Connection) async throws -> Void) async throws {
        guard !runsOneAtATime else {
            return try await Self.oneAtATime.run { try await withNode(readOnly: readOnly, body) }
        }
        try await withNode(readOnly: readOnly, body)
    }

    /// Whether its nodes are costly enough to run one at a time: a machine per case, when the
    /// suite runs its cases in parallel, would crowd the two CPUs of this host.
    var runsOneAtATime: Bool { domainType == "kvm" }
    /// The turn of the targets that run one node at a time.
    private static let oneAtATime = DomainJobLock()

    private func withNode(readOnly: Bool, _ body: (Connection) async throws -> Void) async throws {
        let (uri, cleanup) = try await makeNode()
        defer { cleanup() }
        let connection = try await Connection.open(uri, readOnly: readOnly)
        do {
            try await body(connection)
        } catch {
            await connection.close()
            throw error
        }
        await connection.close()
    }

    /// A small persistent domain definition of this driver named `name`.
    func demoXML(_ name: String, uuid: String? = nil, memoryKiB: Int = 65536, vcpus: Int = 2, onReboot: String = "restart",
                 onPoweroff: String = "destroy") -> String {
        guard domainType != "test" else {
            return VirtCoreTests.demoXML(name, uuid: uuid, memoryKiB: memoryKiB, vcpus: vcpus, onReboot: onReboot, onPoweroff: onPoweroff)
        }
        return Self.definition(type: domainType, os: osXML, devices: devicesXML, name, uuid: uuid, memoryKiB: memoryKiB, vcpus: vcpus,
                               onReboot: onReboot, onPoweroff: onPoweroff)
    }

    /// A persistent domain definition of `type` with `os` (its `<os>` element) and `devices`.
    static func definition(type: String, os: String, devices: String, _ name: String, uuid: String? = nil, memoryKiB: Int = 65536,
                           vcpus: Int = 2, onReboot: String = "restart", onPoweroff: String = "destroy") -> String {
        """
        <domain type='\(type)'>
          <name>\(name)</name>
          \(uuid.map { "<uuid>\($0)</uuid>" } ?? "")
          <memory unit='KiB'>\(memoryKiB)</memory>
          <vcpu>\(vcpus)</vcpu>
          \(os)
          <on_poweroff>\(onPoweroff)</on_poweroff>
          <on_reboot>\(onReboot)</on_reboot>
          <devices>\(devices)</devices>
        </domain>
        """
    }

    /// Waits until a running domain's guest can take a shutdown request: for a container,
    /// until its init handles SIGTERM (a signal to a pid 1 without a handler is dropped).
    func waitUntilBooted(_ domain: Domain) async throws {
        guard domainType == "lxc" else { return }
        let handlesTerm = try await eventually {
            let status = (try? String(contentsOfFile: "/proc/\(domain.id)/status", encoding: .utf8)) ?? ""
            let caught = status.split(separator: "\n").first { $0.hasPrefix("SigCgt:") }?.split(separator: "\t").last
            return caught.flatMap { UInt64($0, radix: 16) }.map { $0 & (1 << (UInt64(SIGTERM) - 1)) != 0 } ?? false
        }
        #expect(handlesTerm, "the container's init never handled SIGTERM")
    }

    /// Waits until `condition` holds, for a driver whose calls take effect asynchronously
    /// (a container's end after shutdown), for up to 10 s; returns whether it did.
    func eventually(_ condition: () async throws -> Bool) async throws -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(10)
        while clock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    static let nodeXML = """
        <node>
          <cpu><mhz>1400</mhz><model>i686</model><active>16</active>
            <nodes>2</nodes><sockets>2</sockets><cores>2</cores><threads>2</threads></cpu>
          <memory>3145728</memory>
          <domain type='test'>
            <name>test</name>
            <uuid>6695eb01-f6a4-8304-79aa-97f2502e193f</uuid>
            <memory unit='KiB'>8388608</memory>
            <currentMemory unit='KiB'>2097152</currentMemory>
            <vcpu placement='static'>2</vcpu>
            <os><type arch='i686'>hvm</type><boot dev='hd'/></os>
            <devices>
              <disk type='file' device='disk'><source file='/guest/diskimage1'/><target dev='vda' bus='virtio'/></disk>
            </devices>
          </domain>
        </node>
        """
}

/// A small persistent domain definition of the test driver named `name`.
func demoXML(_ name: String, uuid: String? = nil, memoryKiB: Int = 65536, vcpus: Int = 2, onReboot: String = "restart", onPoweroff: String = "destroy") -> String {
    ConformanceTarget.definition(type: "test", os: "<os><type>hvm</type></os>",
                                 devices: "<disk type='file' device='disk'><source file='/tmp/\(name).img'/><target dev='vda' bus='virtio'/></disk>",
                                 name, uuid: uuid, memoryKiB: memoryKiB, vcpus: vcpus, onReboot: onReboot, onPoweroff: onPoweroff)
}

/// Asserts that `body` throws a ``VirError`` with `code`, and returns it.
@discardableResult
func expectVirError(_ code: ErrorCode, _ codes: Set<ErrorCode> = [], sourceLocation: SourceLocation = #_sourceLocation,
                    _ body: () async throws -> Void) async -> VirError? {
    do {
        try await body()
        Issue.record("expected \(code) but the call succeeded", sourceLocation: sourceLocation)
        return nil
    } catch let error as VirError {
        let allowed = codes.isEmpty ? [code] : codes
        #expect(allowed.contains(error.code), "got \(error.code): \(error.message)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected VirError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

import Testing
