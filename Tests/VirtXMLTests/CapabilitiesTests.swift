import Testing
import VirtXML

/// `<capabilities>`: the test driver's document, captured from libvirt 9.0
/// (`virConnectGetCapabilities` on `test:///default`).
struct CapabilitiesTests {
    @Test func testDriverDefaultMatchesLibvirt() throws {
        #expect(HostCapabilities.testDriverDefault.format() == (try GoldenFiles.read("capabilities/testdriver.xml")))
    }

    @Test func optionalSections() {
        var caps = HostCapabilities(cpu: .init(arch: "x86_64"))
        caps.hostUUID = DomainUUID("6695eb01-f6a4-8304-79aa-97f2502e193f")
        caps.powerManagement = ["suspend_mem", "suspend_disk"]
        var cell = HostCapabilities.Cell(id: 0, memoryKiB: 1024)
        cell.distances = [.init(id: 0, value: 10)]
        caps.cells = [cell]
        var model = HostCapabilities.SecurityModel(model: "dac", doi: "0")
        model.baseLabels = [.init(type: "kvm", label: "+107:+107")]
        caps.securityModels = [model]
        var guest = HostCapabilities.Guest(osType: "hvm", arch: "x86_64", wordSize: 64)
        guest.machines = ["pc"]
        var kvm = HostCapabilities.Guest.Domain(type: "kvm")
        kvm.emulator = "/usr/bin/qemu-kvm"
        guest.domains = [kvm]
        guest.features = [.init("acpi", defaultOn: true, toggle: true)]
        caps.guests = [guest]
        #expect(caps.format() == """
            <capabilities>

              <host>
                <uuid>6695eb01-f6a4-8304-79aa-97f2502e193f</uuid>
                <cpu>
                  <arch>x86_64</arch>
                </cpu>
                <power_management>
                  <suspend_mem/>
                  <suspend_disk/>
                </power_management>
                <topology>
                  <cells num='1'>
                    <cell id='0'>
                      <memory unit='KiB'>1024</memory>
                      <distances>
                        <sibling id='0' value='10'/>
                      </distances>
                      <cpus num='0'/>
                    </cell>
                  </cells>
                </topology>
                <secmodel>
                  <model>dac</model>
                  <doi>0</doi>
                  <baselabel type='kvm'>+107:+107</baselabel>
                </secmodel>
              </host>

              <guest>
                <os_type>hvm</os_type>
                <arch name='x86_64'>
                  <wordsize>64</wordsize>
                  <machine>pc</machine>
                  <domain type='kvm'>
                    <emulator>/usr/bin/qemu-kvm</emulator>
                  </domain>
                </arch>
                <features>
                  <acpi default='on' toggle='yes'/>
                </features>
              </guest>

            </capabilities>

            """)
    }
}
