import VirtError

/// `<initenv name=…>value</initenv>`: one environment variable of a container's init.
public struct InitEnvironmentVariable: Sendable, Equatable {
    /// `name`
    public var name: String
    /// The element's text.
    public var value: String

    /// The variable `name=value`.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// `<os>`: how the guest boots (hvm) or which init it runs (exe).
public struct OSDefinition: Sendable, Equatable {
    /// `<type>` text: `hvm`, `exe`, `linux`, `xen`.
    public var type: String = "hvm"
    /// `<type arch=…>`
    public var arch: String? = nil
    /// `<type machine=…>`
    public var machine: String? = nil
    /// `<kernel>`
    public var kernel: String? = nil
    /// `<initrd>`
    public var initrd: String? = nil
    /// `<cmdline>`
    public var cmdline: String? = nil
    /// `<boot dev=…/>` in order.
    public var bootDevices: [String] = []
    /// `<init>` (containers).
    public var initPath: String? = nil
    /// `<initarg>` in order.
    public var initArgs: [String] = []
    /// `<initenv name=…>value</initenv>` in order.
    public var initEnv: [InitEnvironmentVariable] = []
    /// `<initdir>`
    public var initDir: String? = nil
    /// `<inituser>`
    public var initUser: String? = nil
    /// `<initgroup>`
    public var initGroup: String? = nil
    /// Unmodelled attributes (`firmware`) and children (`<loader>`, `<bootmenu>`, `<smbios>`, …),
    /// written in libvirt's order among the modelled ones.
    public var extras = XMLExtras()
    /// An hvm guest.
    public init() {}
}

/// `virDomainOSType`
enum OSType: String {
    case hvm, xen, linux, exe, uml, xenpvh
}

/// `virDomainBootDevice`
enum BootDevice: String {
    case fd, hd, cdrom, network
}

extension OSDefinition {
    /// The order in which `virDomainDefFormatInternal` writes the children of `<os>`.
    static let childOrder = ["type", "firmware", "init", "initarg", "initenv", "initdir", "inituser", "initgroup",
                             "loader", "nvram", "kernel", "initrd", "cmdline", "dtb", "root", "acpi", "boot",
                             "bootmenu", "bios", "smbios"]

    init(xml e: XMLElement) throws(VirError) {
        var r = ElementReader(e)
        guard let typeElement = r.child("type"), !typeElement.text.trimmingBlanks.isEmpty else {
            throw VirError.xml("an os <type> must be specified")
        }
        let typeName = typeElement.text.trimmingBlanks
        guard OSType(rawValue: typeName) != nil else {
            throw VirError(.configUnsupported, "unknown OS type '\(typeName)'", domain: .domain)
        }
        type = typeName
        arch = typeElement.attribute("arch")
        machine = typeElement.attribute("machine")
        initPath = r.childText("init")
        initArgs = r.children("initarg").map(\.text)
        initEnv = try r.children("initenv").map { (env) throws(VirError) in
            guard let name = env.attribute("name") else { throw VirError.xml("No name supplied for <initenv> element") }
            return InitEnvironmentVariable(name: name, value: env.text)
        }
        initDir = r.childText("initdir")
        initUser = r.childText("inituser")
        initGroup = r.childText("initgroup")
        kernel = r.childText("kernel")
        initrd = r.childText("initrd")
        cmdline = r.childText("cmdline")
        bootDevices = try r.children("boot").map { (boot) throws(VirError) in
            guard let dev = boot.attribute("dev") else { throw VirError.xml("missing boot device") }
            guard BootDevice(rawValue: dev) != nil else {
                throw VirError(.xmlError, "unknown boot device '\(dev)'", domain: .domain)
            }
            return dev
        }
        extras = r.extras
    }

    var xml: XMLElement {
        var children = [XMLElement("type", [("arch", arch), ("machine", machine)]).withText(type)]
        func leaf(_ name: String, _ value: String?) {
            if let value { children.append(XMLElement(name, text: value)) }
        }
        leaf("init", initPath)
        initArgs.forEach { leaf("initarg", $0) }
        for env in initEnv { children.append(XMLElement("initenv", [("name", env.name)]).withText(env.value)) }
        leaf("initdir", initDir)
        leaf("inituser", initUser)
        leaf("initgroup", initGroup)
        leaf("kernel", kernel)
        leaf("initrd", initrd)
        leaf("cmdline", cmdline)
        children += bootDevices.map { XMLElement("boot", [("dev", $0)]) }
        return XMLElement("os", attributes: extras.attributes,
                          children: (children + extras.elements).ordered(by: Self.childOrder).map(XMLNode.element))
    }
}
