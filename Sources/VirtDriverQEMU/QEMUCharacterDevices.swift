import VirtError
import VirtXML

/// Serials, consoles and channels on the command line: a `-chardev` back end each, and the
/// front ends (ISA serial ports; `virtserialport` and `virtconsole` on one virtio-serial bus).
enum QEMUCharacterDevices {
    static func append(_ devices: DomainDevices, to line: inout ArgumentList) throws(VirError) {
        for (index, serial) in devices.serials.enumerated() {
            let port = Int(serial.targetPort ?? UInt32(index))
            try backEnd(serial, id: "charserial\(port)", to: &line)
            if line.machine.family == .microvm {
                guard port == 0 else { throw QEMUCommandLine.unsupported("a microvm machine has one serial port") }
                line.append("-serial", "chardev:charserial0")
            } else {
                try line.device("isa-serial", "chardev=charserial\(port),id=serial\(port),index=\(port)")
            }
        }
        var needsVirtioSerial = false
        var virtioConsoles: [(Int, CharacterDevice)] = []
        for (index, console) in devices.consoles.enumerated() {
            switch console.targetType ?? "serial" {
            case "serial" where index == 0:
                // The first console is the first serial port, under a second name.
                if devices.serials.isEmpty { throw QEMUCommandLine.unsupported("a serial console needs a <serial> device") }
            case "virtio":
                needsVirtioSerial = true
                virtioConsoles.append((index, console))
            case let type:
                throw QEMUCommandLine.unsupported("console target type '\(type)'")
            }
        }
        for channel in devices.channels {
            guard channel.targetType == "virtio" else { throw QEMUCommandLine.unsupported("channel target type '\(channel.targetType ?? "")'") }
            needsVirtioSerial = true
        }
        guard needsVirtioSerial else { return }
        try line.device(line.machine.virtio("serial"), "id=virtio-serial0")
        for (index, console) in virtioConsoles {
            try backEnd(console, id: "charconsole\(index)", to: &line)
            try line.device("virtconsole", "chardev=charconsole\(index),id=console\(index)")
        }
        for (index, channel) in devices.channels.enumerated() {
            try backEnd(channel, id: "charchannel\(index)", to: &line)
            var options = ["bus=virtio-serial0.0", "nr=\(index + 1)", "chardev=charchannel\(index)", "id=channel\(index)"]
            if let name = channel.targetName { options.append("name=\(QEMUCommandLine.escaped(name))") }
            try line.device("virtserialport", options.joined(separator: ","))
        }
    }

    /// The `-chardev` for the device's source.
    private static func backEnd(_ device: CharacterDevice, id: String, to line: inout ArgumentList) throws(VirError) {
        switch device.type {
        case "pty":
            line.append("-chardev", "pty,id=\(id)")
        case "null":
            line.append("-chardev", "null,id=\(id)")
        case "file":
            guard let path = device.sourcePath else { throw QEMUCommandLine.unsupported("\(device.kind.rawValue) of type file has no path") }
            line.append("-chardev", "file,id=\(id),path=\(QEMUCommandLine.escaped(path))")
        case "unix":
            guard let path = device.sourcePath else { throw QEMUCommandLine.unsupported("\(device.kind.rawValue) of type unix has no path") }
            let server = device.sourceMode == "connect" ? "" : ",server=on,wait=off"
            line.append("-chardev", "socket,id=\(id),path=\(QEMUCommandLine.escaped(path))\(server)")
        default:
            throw QEMUCommandLine.unsupported("\(device.kind.rawValue) type '\(device.type)'")
        }
    }
}
