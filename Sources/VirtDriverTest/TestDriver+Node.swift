import VirtCore
import VirtError
import VirtXML

#if canImport(Glibc)
import Glibc
#endif

extension TestDriver {
    /// Corresponds to `virConnectGetType`.
    public func hypervisorType() async throws -> String { "TEST" }

    /// Corresponds to `virConnectGetVersion`: libvirt's test driver reports 0.0.2.
    public func hypervisorVersion() async throws -> UInt64 { 2 }

    /// Corresponds to `virConnectGetHostname`: the real host name, as libvirt's test driver.
    public func hostname() async throws -> String {
        try LocalHost.name(domain: .test)
    }

    /// Corresponds to `virConnectGetCapabilities`.
    public func capabilities() async throws -> String {
        try read { $0.capabilities.format() }
    }

    /// Corresponds to `virConnectGetSysinfo`: libvirt's test driver reports a fixed BIOS.
    public func sysinfo() async throws -> String {
        """
        <sysinfo type='smbios'>
          <bios>
            <entry name='vendor'>LENOVO</entry>
            <entry name='version'>G4ETA1WW (2.61 )</entry>
            <entry name='date'>05/07/2014</entry>
            <entry name='release'>2.61</entry>
          </bios>
        </sysinfo>

        """
    }

    /// Corresponds to `virNodeGetInfo`.
    public func nodeInfo() async throws -> NodeInfo {
        try read { $0.nodeInfo }
    }

    /// Corresponds to `virNodeGetCPUMap`: libvirt's test driver reports 8 CPUs, of which
    /// 0, 2 and 4 are online.
    public func nodeCPUMap() async throws -> (cpus: Int, online: CPUMap) {
        (8, CPUMap(bytes: [0x15]))
    }

    /// Corresponds to `virNodeGetSecurityModel`.
    public func securityModel() async throws -> SecurityModel {
        SecurityModel(model: "testSecurity", doi: "")
    }
}
