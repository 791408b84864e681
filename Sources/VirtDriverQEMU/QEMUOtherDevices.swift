import JSON
import QMP
import VirtError
import VirtXML

/// The remaining devices: controllers (most are implicit), input, the balloon, rng, panic,
/// graphics and video.
enum QEMUOtherDevices {
    static func append(_ devices: DomainDevices, to line: inout ArgumentList) throws(VirError) {
        try appendControllers(devices.controllers, to: &line)
        for input in devices.inputs where !(input.bus == "ps2" && ["mouse", "keyboard"].contains(input.type)) {
            throw QEMUCommandLine.unsupported("input device '\(input.type)' on bus '\(input.bus ?? "")'")
        }
        if let balloon = devices.memballoon {
            switch balloon.model {
            case "virtio": try line.device(line.machine.virtio("balloon"), "id=balloon0")
            case "none": break
            default: throw QEMUCommandLine.unsupported("memballoon model '\(balloon.model)'")
            }
        }
        for (index, rng) in devices.rngs.enumerated() {
            guard rng.model == "virtio", rng.backendModel == "random" else {
                throw QEMUCommandLine.unsupported("rng model '\(rng.model)' with backend '\(rng.backendModel)'")
            }
            let source = rng.backendPath ?? "/dev/urandom"
            guard ["/dev/random", "/dev/urandom", "/dev/hwrng"].contains(source) else {
                throw QEMUCommandLine.unsupported("file '\(source)' is not a supported random source")
            }
            line.append("-object", JSONValue.object(["qom-type": .string("rng-random"), "id": .string("objrng\(index)"), "filename": .string(source)]).serialized)
            try line.device(line.machine.virtio("rng"), "rng=objrng\(index),id=rng\(index)")
        }
        for placed in devices.other {
            switch (placed.element.name, placed.element.attribute("model")) {
            case ("panic", "isa"), ("panic", nil): try line.device("pvpanic", "")
            default: throw QEMUCommandLine.unsupported("device <\(placed.element.name)>")
            }
        }
        if !devices.filesystems.isEmpty { throw QEMUCommandLine.unsupported("<filesystem> devices") }
        if !devices.parallels.isEmpty { throw QEMUCommandLine.unsupported("<parallel> devices") }
        try appendDisplay(devices, to: &line)
    }

    private static func appendControllers(_ controllers: [ControllerDevice], to line: inout ArgumentList) throws(VirError) {
        for controller in controllers {
            switch (controller.type, controller.model) {
            case ("usb", "none"), ("pci", _), ("virtio-serial", _), ("scsi", nil), ("scsi", "virtio-scsi"), ("ide", _), ("sata", _):
                continue  // implicit in the machine, or added with the devices that use it
            case ("usb", _):
                try line.device(line.machine.family == .q35 ? "qemu-xhci" : "piix3-usb-uhci", "id=usb")
            default:
                throw QEMUCommandLine.unsupported("controller '\(controller.type)' of model '\(controller.model ?? "default")'")
            }
        }
    }

    private static func appendDisplay(_ devices: DomainDevices, to line: inout ArgumentList) throws(VirError) {
        var display = false
        for graphics in devices.graphics {
            switch graphics.type {
            case "vnc":
                guard let port = graphics.port, port >= 5900 else { throw QEMUCommandLine.unsupported("a VNC display needs a port of 5900 or more") }
                line.append("-vnc", "\(graphics.listenAddress ?? "127.0.0.1"):\(port - 5900)")
                display = true
            case "none":
                continue
            default:
                throw QEMUCommandLine.unsupported("graphics type '\(graphics.type)'")
            }
        }
        if !display { line.append("-display", "none") }
        for (index, video) in devices.videos.enumerated() {
            switch video.model ?? "vga" {
            case "none": continue
            case "vga": try line.device("VGA", "id=video\(index)")
            case "cirrus": try line.device("cirrus-vga", "id=video\(index)")
            case "virtio": try line.device(line.machine.family == .microvm ? "virtio-gpu-device" : "virtio-vga", "id=video\(index)")
            case let model: throw QEMUCommandLine.unsupported("video model '\(model)'")
            }
        }
    }
}
