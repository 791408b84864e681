import VirtError
import VirtXML

/// Parses a domain definition and fills in what libvirt's test driver fills in after
/// parsing: the i686 architecture, `<boot dev='hd'/>` for an hvm guest without kernel or
/// boot order, a MAC and a `testnetN` device name for each interface.
enum TestDefaults {
    static let architecture = "i686"

    static func parse(_ xml: String) throws(VirError) -> DomainDefinition {
        var definition = try DomainDefinition.parse(xml)
        apply(to: &definition)
        return definition
    }

    static func apply(to definition: inout DomainDefinition) {
        if definition.os.arch == nil, definition.os.type == "hvm" || definition.os.type == "xen" {
            definition.os.arch = architecture
        }
        if definition.os.type == "hvm", definition.os.kernel == nil, definition.os.bootDevices.isEmpty {
            definition.os.bootDevices = ["hd"]
        }
        var used = Set(definition.devices.interfaces.compactMap(\.targetDev))
        var next = 0
        for index in definition.devices.interfaces.indices {
            if definition.devices.interfaces[index].mac == nil {
                definition.devices.interfaces[index].mac = InterfaceDevice.randomMAC()
            }
            if definition.devices.interfaces[index].targetDev == nil {
                while used.contains("testnet\(next)") { next += 1 }
                definition.devices.interfaces[index].targetDev = "testnet\(next)"
                used.insert("testnet\(next)")
            }
        }
    }
}
