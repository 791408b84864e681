import Testing
import VirtError
import VirtXML

/// `<interface>` addresses and routes, parsed and checked as libvirt's
/// `virDomainNetIPParseXML` and `virNetDevIPRouteParseXML` do.
@Suite("Interface addresses and routes")
struct InterfaceAddressingTests {
    private func domain(_ interface: String) -> String {
        "<domain type='lxc'><name>n</name><memory>65536</memory><os><type>exe</type></os><devices>\(interface)</devices></domain>"
    }

    private func parse(_ interface: String) throws(VirError) -> InterfaceDevice {
        try DomainDefinition.parse(domain(interface)).devices.interfaces[0]
    }

    private func refusal(_ interface: String) -> VirError? {
        do throws(VirError) {
            _ = try parse(interface)
            return nil
        } catch {
            return error
        }
    }

    @Test func addressesRoutesAndNamesRoundTripAsLibvirtWritesThem() throws {
        let xml = """
            <interface type='ethernet'><mac address='52:54:00:00:00:01'/><source><ip address='10.1.0.1' prefix='30'/>\
            <route address='10.9.0.0' prefix='16' gateway='10.1.0.2'/></source>\
            <ip address='10.1.0.2' prefix='30'/><ip address='fd00::2' prefix='0'/><route address='0.0.0.0' gateway='10.1.0.1'/>\
            <target dev='vethx'/><guest dev='uplink'/><link state='up'/></interface>
            """
        let interface = try parse(xml)
        #expect(interface.hostIPs.map(\.address) == ["10.1.0.1"])
        #expect(interface.hostRoutes.map(\.gateway) == ["10.1.0.2"])
        #expect(interface.ips.map(\.family) == ["ipv4", "ipv6"])
        #expect(interface.ips.map(\.effectivePrefix) == [30, 64])
        #expect(interface.routes[0].effectivePrefix == 0)
        #expect(interface.guestDev == "uplink" && interface.linkState == "up")
        let written = try DomainDefinition.parse(domain(xml)).format()
        #expect(written.contains("<source>\n        <ip address='10.1.0.1' family='ipv4' prefix='30'/>\n        <route address='10.9.0.0' prefix='16' gateway='10.1.0.2'/>\n      </source>"), "\(written)")
        #expect(written.contains("<ip address='fd00::2' family='ipv6'/>"), "a zero prefix is not written")
        #expect(written.contains("<guest dev='uplink'/>") && written.contains("<link state='up'/>"))
    }

    @Test func classfulPrefixesStandInForMissingOnes() throws {
        let prefixes = try ["10.0.0.1", "172.16.0.1", "192.168.0.1", "224.0.0.1"].map { (address) throws(VirError) in
            try parse("<interface type='ethernet'><ip address='\(address)'/></interface>").ips[0].effectivePrefix
        }
        #expect(prefixes == [8, 16, 24, nil])
    }

    @Test func badAddressesAndRoutesGetLibvirtsErrors() {
        let cases: [(String, ErrorCode, String)] = [
            ("<ip address='10.0.0.256'/>", .xmlError, "Invalid address '10.0.0.256' in <ip>"),
            ("<ip prefix='24'/>", .xmlError, "Missing required address in <ip>"),
            ("<ip address='10.0.0.1' prefix='33'/>", .xmlError, "Invalid prefix value '33' in <ip>"),
            ("<ip address='10.0.0.1' peer='fd00::1'/>", .invalidArg, "Invalid peer 'fd00::1' in <ip>"),
            ("<route address='10.0.0.0'/>", .xmlError, "guest interface: Missing required gateway attribute in route definition"),
            ("<route address='10.0.0.1' prefix='24' gateway='10.0.0.254'/>", .xmlError, "guest interface: Address '10.0.0.1' in route definition is not a network address"),
            ("<route address='fd00::' prefix='64' gateway='fd00::1'/>", .xmlError, "guest interface: No family specified for non-IPv4 address 'fd00::' in route definition"),
            ("<route address='10.0.0.0' prefix='40' gateway='10.0.0.1'/>", .xmlError, "guest interface: Invalid prefix 40 specified in route definition, must be 0 - 32"),
            ("<route address='10.0.0.0' prefix='8' gateway='10.0.0.1' metric='0'/>", .xmlError, "guest interface: Invalid metric 0 specified in route definition: zero is not permitted"),
        ]
        for (inner, code, message) in cases {
            let error = refusal("<interface type='ethernet'>\(inner)</interface>")
            #expect(error?.code == code, "\(inner)")
            #expect(error?.message.hasSuffix(message) == true, "\(inner): \(error?.message ?? "accepted")")
        }
        let hostSideOnBridge = refusal("<interface type='bridge'><source bridge='br0'><ip address='10.0.0.1'/></source></interface>")
        #expect(hostSideOnBridge?.code == .configUnsupported)
        #expect(refusal("<interface type='ethernet'><route family='ipv6' address='fd00::' prefix='64' gateway='fd00::1'/></interface>") == nil)
    }
}
