import Foundation
import SwiftVirt
import Testing
import VirtContexts
import VirtSystem

@Suite("lxc:///embed: real containers", .enabled(if: canRunContainers, "needs root, namespaces and cgroups"), .serialized)
struct LXCDriverTests {
    @Test func aDefinedContainerRunsItsInitAsPidOneUnderItsNameAndStops() async throws {
        let sandbox = LXCSandbox()
        let connection = try await sandbox.open()
        #expect(try await connection.hypervisorType() == "LXC")
        let domain = try await connection.defineDomain(xml: sandbox.xml("web"))
        #expect(try await domain.state().state == .shutoff)
        let running = try await domain.create()
        #expect(try await running.state().state == .running)
        #expect(try await running.isPersistent())

        // From outside: the init is pid 1 of its own namespace, and the host name is the
        // domain's name.
        let context = try await sandbox.context(of: running)
        let initPID = context.info().initPID
        #expect(running.id == initPID)  // libvirt's LXC ids are host pids
        #expect(try ProcessStatus.read(pid: initPID).namespacePIDs.last == 1)
        #expect(try UTSNames.get(ofProcess: initPID).hostname == "web")
        #expect(try String(contentsOfFile: "/proc/\(initPID)/cmdline", encoding: .utf8) == "/bin/sh\0-c\0sleep 1000\0")
        let info = try await running.info()
        #expect(info.state == .running && info.maxMemory == 65536 && info.memory > 0)
        #expect(try await running.xmlDescription().contains("<domain type='lxc' id='\(running.id)'>"))

        try await running.suspend()
        #expect(try await running.state().state == .paused)
        try await running.resume()
        #expect(try await running.state().state == .running)

        try await running.destroy()
        #expect(try await running.state() == (.shutoff, .shutoffDestroyed))
        #expect((try? ProcessStat.read(pid: initPID)) == nil)  // killed and reaped
        try await running.undefine()
        #expect(try await connection.listAllDomains().isEmpty)
    }

    @Test func insideAContainerDroppedCapabilitiesProcSysAndHostDevicesAreRefused() async throws {
        let sandbox = LXCSandbox()
        try FileManager.default.createDirectory(atPath: sandbox.exchange, withIntermediateDirectories: true)
        let report = sandbox.exchange + "/report"
        let script = """
            try() { if "$@" >/dev/null 2>&1; then echo "$1 allowed"; else echo "$1 refused"; fi; }
            { try mknod /tmp/lxc-test-node-$$ c 1 3; try date -s @0; try sh -c 'echo 1 > /proc/sys/kernel/ns_last_pid'
              try touch /sys/lxc-test; try head -c 1 /dev/mem; try head -c 1 /dev/zero; echo "pid $$"; } > \(report).tmp
            mv \(report).tmp \(report); exec sleep 1000
            """
        let connection = try await sandbox.open()
        let domain = try await connection.createDomain(xml: sandbox.xml("inside", args: ["-c", script]))
        let lines = try await sandbox.report("report").split(separator: "\n")
        #expect(lines == ["mknod refused", "date refused", "sh refused", "touch refused", "head refused", "head allowed", "pid 1"])
        try await domain.destroy()
    }

    @Test func anotherProcessOpeningTheRootAdoptsRunningContainers() async throws {
        let sandbox = LXCSandbox()
        var first: Connection? = try await sandbox.open()
        _ = try await first?.defineDomain(xml: sandbox.xml("kept")).create()
        _ = try await first?.createDomain(xml: sandbox.xml("passing"))
        await first?.close()
        first = nil

        // A new driver instance reads the root as a new process would.
        let second = try await sandbox.open()
        let running = try await second.listAllDomains(flags: .active).map(\.name).sorted()
        #expect(running == ["kept", "passing"])
        let transient = try await second.lookupDomain(name: "passing")
        #expect(try await !transient.isPersistent())
        try await transient.destroy()
        await #expect(throws: VirError.self) { _ = try await second.lookupDomain(name: "passing") }
        let kept = try await second.lookupDomain(name: "kept")
        try await kept.suspend()
        #expect(try await kept.state().state == .paused)
        try await kept.destroy()
        #expect(try await second.listAllDomains(flags: .inactive).map(\.name) == ["kept"])
    }

    @Test func aContainerWhoseInitEndsIsReportedShutOff() async throws {
        let sandbox = LXCSandbox()
        let connection = try await sandbox.open()
        let domain = try await connection.createDomain(xml: sandbox.xml("brief", args: ["-c", "exit 0"]))
        for _ in 0..<200 where (try? await connection.lookupDomain(name: "brief")) != nil { try await Task.sleep(for: .milliseconds(10)) }
        await #expect(throws: VirError.self) { _ = try await domain.state() }  // transient: gone
    }

    @Test func anOOMKilledContainerIsReportedCrashedAndOnCrashRestartStartsItAgain() async throws {
        let sandbox = LXCSandbox()
        let connection = try await sandbox.open()
        let stream = try await connection.lifecycleEvents()
        let hog = ["-c", "b'x' * (256 << 20)"]
        let domain = try await connection.defineDomain(xml: sandbox.xml("hog", init: "/usr/bin/python3", args: hog, memoryKiB: 32768))
        _ = try await domain.create()
        // Under the full suite's load the 32 MiB cgroup reclaims python's own pages for a
        // long time before the OOM killer acts: one CI run took more than 10 s.
        #expect(await events(of: "hog", in: stream, through: .stopped, within: .seconds(60)).last?.detail == .stoppedCrashed)
        #expect(try await domain.state() == (.shutoff, .shutoffCrashed))

        // on_crash='restart' starts it again (here with an init that stays).
        let restarting = sandbox.xml("hog", init: "/usr/bin/python3", args: ["-c", "import time; time.sleep(0.3); b'x' * (256 << 20)"], memoryKiB: 32768)
            .replacingOccurrences(of: "</os>", with: "</os><on_crash>restart</on_crash>")
        let redefined = try await connection.defineDomain(xml: restarting)
        let first = try await redefined.create().id
        var restarted = false
        for _ in 0..<300 {
            if let id = try? await connection.lookupDomain(name: "hog").id, id != first, id != -1 { restarted = true; break }
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(restarted)
        let current = try await connection.lookupDomain(name: "hog")
        try await connection.defineDomain(xml: sandbox.xml("hog", args: ["-c", "sleep 1000"])).undefine()
        if try await current.isActive() { try? await current.destroy() }
    }

    @Test func shutdownSignalsTheInitAndRebootStartsItAgain() async throws {
        let sandbox = LXCSandbox()
        let connection = try await sandbox.open()
        let polite = ["-c", "trap 'exit 0' TERM; while :; do sleep 0.05; done"]
        let domain = try await connection.defineDomain(xml: sandbox.xml("polite", args: polite))
        let running = try await domain.create()
        let firstID = running.id
        #expect(firstID > 0)
        try await running.reboot()
        let rebooted = try await connection.lookupDomain(name: "polite")
        #expect(try await rebooted.state().state == .running)
        #expect(rebooted.id > 0 && rebooted.id != firstID)

        try await Task.sleep(for: .milliseconds(100))  // the trap is set
        try await rebooted.shutdown()
        for _ in 0..<300 where try await domain.state().state != .shutoff { try await Task.sleep(for: .milliseconds(10)) }
        #expect(try await domain.state() == (.shutoff, .shutoffShutdown))
        await expectError(.operationInvalid) { try await domain.shutdown() }
        await expectError(.argumentUnsupported) {
            _ = try await domain.create()
            try await connection.lookupDomain(name: "polite").shutdown(flags: .acpiPowerBtn)
        }
    }

    @Test func memoryAndCPULimitsAreCgroupsChangedLiveAndInTheConfig() async throws {
        let sandbox = LXCSandbox()
        let connection = try await sandbox.open()
        let busy = ["-c", "i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; exec sleep 1000"]
        let xml = sandbox.xml("tuned", args: busy, memoryKiB: 131072)
            .replacingOccurrences(of: "</os>", with: "</os><cputune><shares>512</shares><period>100000</period><quota>50000</quota></cputune>")
        let domain = try await connection.defineDomain(xml: xml).create()
        let xid = try await sandbox.context(of: domain).xid
        func cgroupValue(_ controller: String, _ file: String) throws -> String {
            try String(contentsOfFile: "/sys/fs/cgroup/\(controller)/swiftvirt/ctx-\(xid)/\(file)", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(try cgroupValue("memory", "memory.limit_in_bytes") == "\(131072 * 1024)")
        #expect(try cgroupValue("cpu", "cpu.shares") == "512")
        #expect(try cgroupValue("cpu", "cpu.cfs_quota_us") == "50000")

        try await domain.setMemory(kib: 65536, flags: .live)
        #expect(try cgroupValue("memory", "memory.limit_in_bytes") == "\(65536 * 1024)")
        try await domain.setMemory(kib: 98304, flags: .config)
        await expectError(.operationInvalid) { try await domain.setMaxMemory(kib: 262144) }
        await expectError(.invalidArg) { try await domain.setMemory(kib: 262144, flags: .live) }
        #expect(try cgroupValue("memory", "memory.limit_in_bytes") == "\(65536 * 1024)")
        for _ in 0..<100 where try await domain.info().cpuTime == 0 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(try await domain.info().cpuTime > 0)

        // The config change is durable and takes over once the container stops.
        try await domain.destroy()
        let reopened = try await sandbox.open()
        let stored = try await reopened.lookupDomain(name: "tuned").definition()
        #expect(stored.currentMemory == 98304 && stored.memory == 131072)
        try await reopened.lookupDomain(name: "tuned").setMaxMemory(kib: 65536)
        #expect(try await reopened.lookupDomain(name: "tuned").definition().currentMemory == 65536)
    }

    @Test func memtuneCpusetAndBlkioWeightAreTheCgroupsSettings() async throws {
        let sandbox = LXCSandbox()
        let connection = try await sandbox.open()
        let tuning = """
            </os><vcpu cpuset='0'>1</vcpu><memtune><hard_limit unit='KiB'>49152</hard_limit>\
            <soft_limit unit='KiB'>32768</soft_limit><swap_hard_limit unit='KiB'>98304</swap_hard_limit></memtune>\
            <blkiotune><weight>300</weight></blkiotune>
            """
        let domain = try await connection.createDomain(xml: sandbox.xml("tuned", memoryKiB: 131072).replacingOccurrences(of: "</os>", with: tuning))
        let xid = try await sandbox.context(of: domain).xid
        func value(_ controller: String, _ file: String) throws -> String {
            try String(contentsOfFile: "/sys/fs/cgroup/\(controller)/swiftvirt/ctx-\(xid)/\(file)", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(try value("memory", "memory.limit_in_bytes") == "\(49152 * 1024)")  // hard_limit wins over memory
        #expect(try value("memory", "memory.soft_limit_in_bytes") == "\(32768 * 1024)")
        #expect(try value("memory", "memory.memsw.limit_in_bytes") == "\(98304 * 1024)")
        #expect(try value("cpuset", "cpuset.cpus") == "0")
        #expect(try String(contentsOfFile: "/proc/\(domain.id)/status", encoding: .utf8).contains("Cpus_allowed_list:\t0\n"))
        #expect(["blkio.bfq.weight", "blkio.weight"].contains { (try? value("blkio", $0)) == "300" })
        try await domain.destroy()

        for refused in ["</os><memtune><min_guarantee unit='KiB'>1024</min_guarantee></memtune>",
                        "</os><memtune><hard_limit unit='KiB'>65536</hard_limit><swap_hard_limit unit='KiB'>32768</swap_hard_limit></memtune>"] {
            await expectError(.configUnsupported) {
                _ = try await connection.defineDomain(xml: sandbox.xml("refused").replacingOccurrences(of: "</os>", with: refused))
            }
        }
        #expect(try await connection.listAllDomains().isEmpty)
    }

    @Test func aContainerPivotsIntoItsRootfsWithAPrivateDevAndItsFilesystems() async throws {
        let sandbox = LXCSandbox()
        let rootfs = try sandbox.busyboxRootfs()
        let data = sandbox.exchange + "/data", out = sandbox.exchange + "/out"
        for directory in [data, out] { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        try "host data\n".write(toFile: data + "/file", atomically: true, encoding: .utf8)
        let script = """
            b=/bin/busybox
            { $b cat /marker /data/file; $b ls /dev | $b tr '\\n' ' '; echo
              $b stat -c '%a %t:%T' /dev/null; echo x > /dev/null && echo "null writable"
              [ -e /usr/bin/python3 ] && echo "host root visible" || echo "host root hidden"
              echo x > /data/new 2>/dev/null && echo "readonly writable" || echo "readonly refused"
              echo x > /scratch/new && echo "ram writable"; $b df -k /scratch | $b awk 'NR == 2 { print "ram size " $2 }'
              $b touch /sys/x 2>/dev/null && echo "sys writable" || echo "sys refused"
              echo "pid $$"; } > /out/report.tmp
            $b mv /out/report.tmp /out/report; exec $b sleep 1000
            """
        let devices = """
            <filesystem type='mount'><source dir='\(rootfs)'/><target dir='/'/></filesystem>
            <filesystem type='mount'><source dir='\(data)'/><target dir='/data'/><readonly/></filesystem>
            <filesystem type='mount'><source dir='\(out)'/><target dir='/out'/></filesystem>
            <filesystem type='ram'><source usage='1024' units='KiB'/><target dir='/scratch'/></filesystem>
            """
        let connection = try await sandbox.open()
        let domain = try await connection.createDomain(xml: sandbox.xml("rooted", args: ["-c", script], devices: devices))
        let report = try await sandbox.report("out/report")
        #expect(report.split(separator: "\n") == [
            "rootfs", "host data", "fd full null ptmx pts random shm stderr stdin stdout tty urandom zero ",
            "666 1:3", "null writable", "host root hidden", "readonly refused", "ram writable", "ram size 1024", "sys refused", "pid 1",
        ])
        // The host saw none of it: no file in the read-only source, no mount points made outside the rootfs.
        #expect(!FileManager.default.fileExists(atPath: data + "/new"))
        #expect(FileManager.default.fileExists(atPath: rootfs + "/scratch") && !FileManager.default.fileExists(atPath: "/scratch"))
        try await domain.destroy()

        // A path through a symbolic link in the rootfs (which the container could have
        // planted) is refused at start: it would reach the host's files.
        try FileManager.default.createSymbolicLink(atPath: rootfs + "/hostroot", withDestinationPath: "/")
        for filesystem in ["<filesystem type='bind'><source dir='/hostroot/etc'/><target dir='/etc2'/></filesystem>",
                           "<filesystem type='ram'><source usage='64' units='KiB'/><target dir='/hostroot/tmp/made'/></filesystem>"] {
            let linked = devices.replacingOccurrences(of: "<filesystem type='ram'><source usage='1024' units='KiB'/><target dir='/scratch'/></filesystem>", with: filesystem)
            await expectError(.operationFailed) { _ = try await connection.createDomain(xml: sandbox.xml("linked", args: ["-c", "exit 0"], devices: linked)) }
        }
        #expect(!FileManager.default.fileExists(atPath: "/tmp/made"))

        // An init the rootfs does not have is refused at start.
        await expectError(.operationFailed) {
            _ = try await connection.createDomain(xml: sandbox.xml("noinit", init: "/sbin/init", args: [], devices: devices))
        }
        #expect(try await connection.listAllDomains().isEmpty)
    }

    @Test func badInputIsRefusedAndChangesNothing() async throws {
        let sandbox = LXCSandbox()
        let connection = try await sandbox.open()
        await expectError(.configUnsupported) { _ = try await connection.defineDomain(xml: sandbox.xml("x").replacingOccurrences(of: "type='lxc'", with: "type='kvm'")) }
        for filesystem in [
            "<filesystem type='block'><source dev='/dev/sda'/><target dir='/data'/></filesystem>",
            "<filesystem type='mount'><source dir='/srv'/><target dir='data'/></filesystem>",
            "<filesystem type='mount'><source dir='/srv'/><target dir='/a/../b'/></filesystem>",
            "<filesystem type='ram'><target dir='/scratch'/></filesystem>",
            "<filesystem type='mount'><target dir='/data'/></filesystem>",
            "<filesystem type='mount'><source dir='/srv'/><target dir='/d'/></filesystem><filesystem type='mount'><source dir='/opt'/><target dir='/d/'/></filesystem>",
            "<filesystem type='bind'><source dir='/../etc'/><target dir='/d'/></filesystem>",
            "<filesystem type='mount'><source dir='/srv'/><target dir='/'/><readonly/></filesystem>",
        ] {
            await expectError(.configUnsupported) { _ = try await connection.defineDomain(xml: sandbox.xml("x", devices: filesystem)) }
        }
        // A root filesystem that does not exist is found at start, and nothing runs.
        let missingRoot = try await connection.defineDomain(xml: sandbox.xml("noroot", devices: "<filesystem type='mount'><source dir='/nonexistent'/><target dir='/'/></filesystem>"))
        await expectError(.systemError) { _ = try await missingRoot.create() }
        #expect(try await missingRoot.state().state == .shutoff)
        try await missingRoot.undefine()
        await expectError(.operationFailed) { _ = try await connection.createDomain(xml: sandbox.xml("noinit", init: "/nonexistent/init")) }
        #expect(try await connection.listAllDomains().isEmpty)

        let domain = try await connection.defineDomain(xml: sandbox.xml("once"))
        await expectError(.operationInvalid) { try await domain.destroy() }
        let running = try await domain.create()
        await expectError(.operationInvalid) { _ = try await running.create() }
        await expectError(.operationInvalid) { try await running.resume() }
        try await running.destroy()
        // Plain lxc:/// is virtd's, as libvirt's clients reach libvirtd for it.
        if !FileManager.default.fileExists(atPath: "/run/swiftvirt/virtd-sock") {
            await expectError(.systemError) { _ = try await Connection.open("lxc:///system") }
        }
        await expectError(.noConnect) { _ = try await Connection.open("lxc:///elsewhere") }
        await expectError(.invalidArg) { _ = try await Connection.open("lxc:///embed") }
    }
}
