import VirtError
import VirtSystem
import VirtXML

/// A container's `<console type='pty'>`: a host pty whose slave is the init's standard
/// descriptors, its controlling terminal and the container's /dev/console, and whose master
/// the root's keeper holds, as libvirt's controller process holds it for libvirt's LXC driver.
enum LXCConsole {
    /// Checks the consoles a definition asks for: at most one, of type pty.
    static func validate(_ consoles: [CharacterDevice]) throws(VirError) {
        guard consoles.count <= 1 else {
            throw VirError(.configUnsupported, "only one <console> is supported for containers, not \(consoles.count)", domain: .lxc)
        }
        if let console = consoles.first, console.type != "pty" {
            throw VirError(.configUnsupported, "<console type='\(console.type)'> is not supported for containers (only pty)", domain: .lxc)
        }
    }

    /// `definition` as it runs with its console on `terminal`: the pty's path in `<source>`,
    /// as libvirt shows a running domain's pty.
    static func live(_ definition: DomainDefinition, on terminal: PseudoTerminal?) -> DomainDefinition {
        guard let terminal, !definition.devices.consoles.isEmpty else { return definition }
        var live = definition
        live.devices.consoles[0].sourcePath = terminal.slavePath
        return live
    }
}
