/// `<address type=…/>`: where a device sits on its bus (`virDomainDeviceInfo`'s address).
public struct DeviceAddress: Sendable, Equatable {
    /// `type`: `pci`, `drive`, `usb`, `virtio-serial`, `ccw`, `isa`, …
    public var type: String
    /// The other attributes, e.g. `domain='0x0000' bus='0x01' slot='0x00' function='0x0'`.
    public var attributes: [XMLAttribute]

    /// An address of `type` with the given attributes.
    public init(type: String, attributes: [XMLAttribute] = []) {
        self.type = type
        self.attributes = attributes
    }

    /// A PCI address, printed as libvirt does (`0x%04x`, `0x%02x`, `0x%02x`, `0x%x`).
    public static func pci(domain: UInt32 = 0, bus: UInt8, slot: UInt8, function: UInt8 = 0) -> DeviceAddress {
        DeviceAddress(type: "pci", attributes: [
            XMLAttribute("domain", "0x" + hex(domain, width: 4)), XMLAttribute("bus", "0x" + hex(bus, width: 2)),
            XMLAttribute("slot", "0x" + hex(slot, width: 2)), XMLAttribute("function", "0x" + hex(function, width: 1)),
        ])
    }

    /// A drive address on an IDE/SCSI/SATA/FDC controller.
    public static func drive(controller: UInt32 = 0, bus: UInt32 = 0, target: UInt32 = 0, unit: UInt32 = 0) -> DeviceAddress {
        DeviceAddress(type: "drive", attributes: [
            XMLAttribute("controller", "\(controller)"), XMLAttribute("bus", "\(bus)"),
            XMLAttribute("target", "\(target)"), XMLAttribute("unit", "\(unit)"),
        ])
    }

    /// A port on a virtio-serial controller.
    public static func virtioSerial(controller: UInt32 = 0, bus: UInt32 = 0, port: UInt32) -> DeviceAddress {
        DeviceAddress(type: "virtio-serial", attributes: [
            XMLAttribute("controller", "\(controller)"), XMLAttribute("bus", "\(bus)"), XMLAttribute("port", "\(port)"),
        ])
    }

    /// The order of attributes in `virDomainDeviceInfoFormat`, across address types.
    static let attributeOrder = ["domain", "controller", "bus", "target", "slot", "unit", "port", "function",
                                 "multifunction", "cssid", "ssid", "devno", "iobase", "irq", "reg", "base"]

    init(xml e: XMLElement) {
        type = e.attribute("type") ?? "none"
        attributes = e.attributes.filter { $0.name != "type" }
    }

    var xml: XMLElement {
        XMLElement("address", attributes: [XMLAttribute("type", type)] + attributes.ordered(by: Self.attributeOrder))
    }

    private static func hex(_ value: some BinaryInteger, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
