import Foundation
import Testing
import VirtError
import VirtXML
@testable import VirtDriverQEMU

@Suite("QEMU command line (xml2argv)")
struct CommandLineTests {
    @Test("the golden cases exist")
    func casesExist() {
        #expect(Fixtures.xml2argvCases().count >= 4)
    }

    /// Each case's arguments, one per line, in `NAME.args`. `SWIFTVIRT_UPDATE_GOLDEN=1` writes
    /// them anew (then read the diff before committing it).
    @Test("xml2argv golden files", arguments: Fixtures.xml2argvCases())
    func golden(name: String) throws {
        let definition = try DomainDefinition.parse(try Fixtures.read("xml2argv/\(name).xml"))
        let arguments = try QEMUCommandLine.build(definition, capabilities: Fixtures.capabilities)
        let text = arguments.joined(separator: "\n") + "\n"
        let expectedPath = Fixtures.golden.appendingPathComponent("xml2argv/\(name).args")
        if ProcessInfo.processInfo.environment["SWIFTVIRT_UPDATE_GOLDEN"] == "1" {
            try text.write(to: expectedPath, atomically: true, encoding: .utf8)
        }
        #expect(text == (try String(contentsOf: expectedPath, encoding: .utf8)))
    }

    @Test("disk targets count in base 26 after their prefix")
    func targetIndexes() throws {
        #expect(try QEMUDisks.targetIndex("vda") == 0)
        #expect(try QEMUDisks.targetIndex("sdb") == 1)
        #expect(try QEMUDisks.targetIndex("hdz") == 25)
        #expect(try QEMUDisks.targetIndex("vdaa") == 26)
        for bad in ["vd", "vd1", "vdA", "vdaaaaa"] {
            #expect(throws: VirError.self) { try QEMUDisks.targetIndex(bad) }
        }
    }

    @Test("what the driver does not model is refused by name, never dropped", arguments: [
        ("<domain type='xen'>", "", "", "domain type 'xen': this driver runs 'kvm' and 'qemu' domains"),
        ("", "<type arch='aarch64' machine='virt'>hvm</type>", "", "architecture 'aarch64': this driver runs x86_64 guests"),
        ("", "<type machine='isapc'>hvm</type>", "", "Emulator '/usr/bin/qemu-system-x86_64' does not support machine type 'isapc'"),
        ("", "<type>hvm</type><initrd>/i</initrd>", "", "an initrd needs a kernel"),
        ("", "<type>hvm</type><boot dev='fd'/>", "", "boot device 'fd'"),
        ("", "", "<disk type='network' device='disk'><source protocol='nbd' name='x'/><target dev='vda'/></disk>", "disk vda: source type 'network'"),
        ("", "", "<disk type='file' device='disk'><driver name='qemu' type='vmdk'/><source file='/x'/><target dev='vda'/></disk>", "disk vda: format 'vmdk'"),
        ("", "", "<disk type='file' device='cdrom'><source file='/x.iso'/><target dev='vda' bus='virtio'/></disk>", "disk vda: a cdrom cannot sit on the virtio bus"),
        ("", "", "<disk type='file' device='disk'><source file='/x'/><target dev='xvda'/></disk>", "disk xvda: no bus given, and none follows from the target's name"),
        ("", "", "<disk type='file' device='floppy'><source file='/x'/><target dev='fda'/></disk>", "disk device 'floppy'"),
        ("", "", "<disk type='file' device='disk'><target dev='vda'/></disk>", "disk vda has no source"),
        ("", "", "<interface type='direct'><source dev='eth0' mode='bridge'/></interface>", "interface type 'direct'"),
        ("", "", "<interface type='user'><model type='ne2k_pci'/></interface>", "interface model 'ne2k_pci' on a pc-i440fx-7.2 machine"),
        ("", "", "<interface type='ethernet'><model type='virtio'/><driver name='vhost' queues='4'/></interface>", "interface driver attribute queues='4'"),
        ("", "", "<interface type='ethernet'><model type='virtio'/><driver><host csum='off'/></driver></interface>", "interface driver element <host>"),
        ("", "", "<interface type='ethernet'><model type='e1000'/><driver name='vhost'/></interface>", "vhost-net is only supported for virtio network interfaces"),
        ("", "", "<interface type='user'><model type='virtio'/><driver name='vhost'/></interface>", "vhost-net on an interface of type 'user'"),
        ("", "", "<interface type='ethernet'><driver name='vfio'/></interface>", "interface driver name 'vfio'"),
        ("", "", "<interface type='user'><mtu size='1400'/></interface>", "interface element <mtu>"),
        ("", "", "<interface type='ethernet'><ip address='10.0.0.2'/></interface>",
         "Invalid attempt to set network interface guest-side IP route and/or address info, not supported by QEMU"),
        ("", "", "<interface type='user'><route address='10.1.0.0' prefix='16' gateway='10.0.2.2'/></interface>",
         "Invalid attempt to set network interface guest-side IP route, not supported by QEMU"),
        ("", "", "<interface type='user'><ip address='10.0.0.0' prefix='24'/><ip address='10.1.0.0' prefix='24'/></interface>",
         "Only one IPv4 address per interface is allowed"),
        ("", "", "<interface type='user'><ip family='ipv6' address='fd00::' prefix='48'/></interface>", "unsupported IPv6 address prefix='48' - must be 64"),
        ("", "", "<console type='pty'><target type='serial'/></console>", "a serial console needs a <serial> device"),
        ("", "", "<serial type='tcp'><source mode='bind' host='0.0.0.0' service='4444'/></serial>", "serial type 'tcp'"),
        ("", "", "<rng model='virtio'><backend model='random'>/etc/passwd</backend></rng>", "file '/etc/passwd' is not a supported random source"),
        ("", "", "<graphics type='spice' autoport='yes'/>", "graphics type 'spice'"),
        ("", "", "<watchdog model='i6300esb'/>", "device <watchdog>"),
        ("", "", "<hostdev mode='subsystem' type='usb'/>", "device <hostdev>"),
    ])
    func refused(domainTag: String, osContent: String, devices: String, message: String) throws {
        let xml = """
            \(domainTag.isEmpty ? "<domain type='kvm'>" : domainTag)<name>x</name><uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid>\
            <memory>65536</memory><os>\(osContent.isEmpty ? "<type>hvm</type>" : osContent)</os><devices>\(devices)</devices></domain>
            """
        let definition = try DomainDefinition.parse(xml)
        let error = #expect(throws: VirError.self) { try QEMUCommandLine.build(definition, capabilities: Fixtures.capabilities) }
        #expect(error?.code == .configUnsupported)
        #expect(error?.domain == .qemu)
        #expect(error?.message == "unsupported configuration: \(message)")
    }

    @Test("a tap with a vhost-net device gets it as its vhostfd, numbered after every tap")
    func vhostNetDescriptors() throws {
        let xml = """
            <domain type='kvm'><name>x</name><uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid><memory>65536</memory><os><type>hvm</type></os><devices>\
            <interface type='ethernet'><model type='virtio'/></interface><interface type='user'/>\
            <interface type='ethernet'><model type='e1000'/></interface>\
            <interface type='bridge'><source bridge='br0'/><model type='virtio'/><driver name='vhost' queues='1'/></interface>\
            </devices></domain>
            """
        let line = try QEMUCommandLine.build(try DomainDefinition.parse(xml), capabilities: Fixtures.capabilities,
                                             launch: QEMUCommandLine.Launch(firstTapDescriptor: 5, vhostNetTaps: [0, 2]))
        let netdevs = line.indices.filter { line[$0] == "-netdev" }.map { line[$0 + 1] }
        #expect(netdevs == ["tap,id=hostnet0,fd=5,vhost=on,vhostfd=8", "user,id=hostnet1", "tap,id=hostnet2,fd=6", "tap,id=hostnet3,fd=7,vhost=on,vhostfd=9"])
    }

    @Test("user networking takes the guest side's addresses as its networks")
    func userNetworks() throws {
        let xml = """
            <domain type='kvm'><name>x</name><uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid><memory>65536</memory><os><type>hvm</type></os><devices>\
            <interface type='user'><ip address='172.17.2.0' prefix='24'/><ip family='ipv6' address='fd00:1::' prefix='64'/></interface>\
            <interface type='user'><ip address='10.9.0.0'/></interface></devices></domain>
            """
        let line = try QEMUCommandLine.build(try DomainDefinition.parse(xml), capabilities: Fixtures.capabilities)
        let netdevs = line.indices.filter { line[$0] == "-netdev" }.map { line[$0 + 1] }
        #expect(netdevs == ["user,id=hostnet0,net=172.17.2.0/24,ipv6-prefix=fd00:1::,ipv6-prefixlen=64", "user,id=hostnet1,net=10.9.0.0"])
    }

    @Test("KVM is refused where the host has none; TCG needs none")
    func noKVM() throws {
        var capabilities = Fixtures.capabilities
        capabilities.kvm = false
        let kvm = try DomainDefinition.parse(try Fixtures.read("xml2argv/kvm-diskless.xml"))
        let error = #expect(throws: VirError.self) { try QEMUCommandLine.build(kvm, capabilities: capabilities) }
        #expect(error?.message == "unsupported configuration: KVM is not available on this host")
        var tcg = kvm
        tcg.type = "qemu"
        #expect(try QEMUCommandLine.build(tcg, capabilities: capabilities).contains("tcg"))
    }

    @Test("a device type the binary lacks is refused")
    func missingDeviceType() throws {
        var capabilities = Fixtures.capabilities
        capabilities.types.remove("pvpanic")
        let definition = try DomainDefinition.parse(try Fixtures.read("xml2argv/pc-disks-network.xml"))
        let error = #expect(throws: VirError.self) { try QEMUCommandLine.build(definition, capabilities: capabilities) }
        #expect(error?.message == "unsupported configuration: device 'pvpanic' is not available in /usr/bin/qemu-system-x86_64")
    }
}
