import Testing
import VirtXML

/// The typed model: definitions built in code, accessors, and format options.
struct DomainModelTests {
    @Test func codeBuiltDefinitionFormatsToValidDocument() throws {
        var def = DomainDefinition(type: "test", name: "built", uuid: DomainUUID("6695eb01-f6a4-8304-79aa-97f2502e193f")!)
        def.memory = 8_388_608
        def.currentMemory = 2_097_152
        def.vcpu.maximum = 2
        def.vcpu.current = 2
        def.os.arch = "i686"
        def.os.bootDevices = ["hd"]
        var disk = DiskDevice(source: "/guest/diskimage1", target: "vda", bus: "virtio")
        disk.address = .pci(bus: 1, slot: 0)
        def.devices.disks = [disk]
        var nic = InterfaceDevice(type: "network", source: "default", mac: "aa:bb:cc:dd:ee:ff")
        nic.targetDev = "testnet0"
        nic.address = .pci(bus: 0, slot: 1)
        def.devices.interfaces = [nic]
        var balloon = MemballoonDevice(model: "virtio")
        balloon.address = .pci(bus: 0, slot: 2)
        def.devices.memballoon = balloon
        let expected = try GoldenFiles.read("xml2xml/testdriver-default.xml")
            .replacing("<name>test</name>", with: "<name>built</name>")
        #expect(def.format(DomainFormatOptions(id: 1)) == expected)
        #expect(try DomainDefinition.parse(def.format()) == def)
    }

    @Test func minimalCodeBuiltDefinition() throws {
        var def = DomainDefinition(type: "lxc", name: "c1")
        def.memory = 1024
        def.os.type = "exe"
        def.os.initPath = "/sbin/init"
        let text = def.format()
        #expect(text.contains("<currentMemory unit='KiB'>1024</currentMemory>"))
        def.currentMemory = 1024
        #expect(text.hasSuffix("</domain>\n"))
        #expect(text.contains("  <devices>\n  </devices>\n"))
        #expect(try DomainDefinition.parse(text) == def)
    }

    @Test func idAndInactiveOptions() throws {
        let def = try DomainDefinition.parse(try GoldenFiles.read("xml2xml/testdriver-default.xml"))
        #expect(def.format(DomainFormatOptions(id: 5)).hasPrefix("<domain type='test' id='5'>\n"))
        #expect(def.format(DomainFormatOptions(id: 5, inactive: true)).hasPrefix("<domain type='test'>\n"))
        #expect(def.format().hasPrefix("<domain type='test'>\n"))
    }

    @Test func passwordOnlyWhenSecure() throws {
        let def = try DomainDefinition.parse(try GoldenFiles.read("xml2xml/graphics-vnc.xml"))
        #expect(def.devices.graphics.first?.passwd == "secret")
        #expect(!def.format().contains("passwd"))
        #expect(def.format(DomainFormatOptions(secure: true)).contains("passwd='secret'"))
    }

    @Test func liveOnlyDataIsDroppedWhenInactive() throws {
        var def = try DomainDefinition.parse(try GoldenFiles.read("xml2xml/seclabels.xml"))
        def.devices.consoles = [CharacterDevice(kind: .console, type: "pty", targetType: "serial", targetPort: 0)]
        def.devices.consoles[0].sourcePath = "/dev/pts/4"
        let live = def.format()
        let inactive = def.format(DomainFormatOptions(inactive: true))
        #expect(live.contains("<imagelabel>107:107</imagelabel>") && live.contains("<source path='/dev/pts/4'/>"))
        #expect(!inactive.contains("107:107") && !inactive.contains("/dev/pts/4"))
        #expect(inactive.contains("<seclabel type='dynamic' model='dac' relabel='yes'/>"))
        #expect(inactive.contains("<label>system_u:system_r:svirt_t:s0:c392,c662</label>"))
    }

    @Test func accessorsDriversUse() throws {
        let def = try DomainDefinition.parse(try GoldenFiles.read("xml2xml/lxc-container.xml"))
        #expect(def.devices.filesystems.map(\.target) == ["/", "/tmp"])
        #expect(def.devices.filesystems[1].ramUsageKiB == 1024)
        #expect(def.devices.consoles.map(\.targetType) == ["lxc", "lxc"])
        #expect(def.idmap?.uids == [IDMap.Entry(start: 0, target: 1000, count: 10)])
        #expect(def.seclabels.map(\.model) == ["selinux", "dac"])
        #expect(def.os.initEnv == [InitEnvironmentVariable(name: "MYENV", value: "some value")])
        #expect(def.resource?.partition == "/machine")
        let kvm = try DomainDefinition.parse(try GoldenFiles.read("xml2xml/kvm-full.xml"))
        #expect(kvm.devices.disks.map(\.driverType) == ["raw", "raw"])
        #expect(kvm.devices.disks.map(\.device) == ["cdrom", "disk"])
        #expect(kvm.devices.graphics.first?.listenAddress == "127.0.0.1")
        #expect(kvm.cputune.vcpuPins == [0: "1,3-4", 1: "0-1"])
        #expect(kvm.memtune?.hardLimit == 1_048_576)
        #expect(kvm.metadata?.elements.count == 2)
    }

    @Test func unknownContentIsKeptInPlace() throws {
        let def = try DomainDefinition.parse(try GoldenFiles.read("xml2xml/unknown-elements.xml"))
        #expect(def.extraAttributes.map(\.name) == ["xmlns:qemu", "futureattr"])
        let future = try #require(def.unmodeled.first { $0.element.name == "futureTopLevel" })
        #expect(future.follows == "numatune")
        #expect(def.devices.other.map(\.element.name) == ["futureDevice", "tpm", "vsock"])
        #expect(def.devices.disks[0].extras.attributes == [XMLAttribute("futurediskattr", "y")])
    }
}
