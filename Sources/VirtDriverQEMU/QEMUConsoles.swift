import JSON
import QMP
import VirtError
import VirtXML

/// The terminals QEMU made for a domain's pty serials, consoles and channels, which the
/// live definition reports (`<source path='/dev/pts/N'/>`), as libvirt's
/// `qemuProcessRefreshChardevs` does.
enum QEMUConsoles {
    /// `definition` with the path of each pty character device, from `query-chardev`.
    static func withPtyPaths(_ definition: DomainDefinition, monitor: QMPMonitor) async throws(VirError) -> DomainDefinition {
        let devices = definition.devices
        guard devices.serials.contains(where: { $0.type == "pty" }) || devices.consoles.contains(where: { $0.type == "pty" })
            || devices.channels.contains(where: { $0.type == "pty" }) else { return definition }
        var ptys: [String: String] = [:]
        for chardev in try await monitor.execute("query-chardev").arrayValue ?? [] {
            guard let label = chardev["label"]?.stringValue, let filename = chardev["filename"]?.stringValue, filename.hasPrefix("pty:") else { continue }
            ptys[label] = String(filename.dropFirst(4))
        }
        var live = definition
        for index in live.devices.serials.indices where live.devices.serials[index].type == "pty" {
            live.devices.serials[index].sourcePath = ptys["charserial\(live.devices.serials[index].targetPort ?? UInt32(index))"]
        }
        for index in live.devices.consoles.indices where live.devices.consoles[index].type == "pty" {
            let isFirstSerial = index == 0 && (live.devices.consoles[index].targetType ?? "serial") == "serial"
            live.devices.consoles[index].sourcePath = isFirstSerial ? live.devices.serials.first?.sourcePath : ptys["charconsole\(index)"]
        }
        for index in live.devices.channels.indices where live.devices.channels[index].type == "pty" {
            live.devices.channels[index].sourcePath = ptys["charchannel\(index)"]
        }
        return live
    }
}
