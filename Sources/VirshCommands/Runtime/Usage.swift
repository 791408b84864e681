import SwiftVirt

/// The texts of `virtsh -h`, `-v` and `-V`.
enum Usage {
    /// The library version, e.g. `9.0.0`.
    static var versionNumber: String { LibraryVersion.format(LibraryVersion.number) }

    /// `-v`
    static var shortVersion: String { versionNumber + "\n" }

    /// `-V`
    static var longVersion: String {
        "Virsh command line tool of libvirt \(versionNumber)\nSee web site at https://libvirt.org/\n\n"
            + "Compiled with support for:\n Hypervisors: Test\n"
    }

    /// `-h`: the options and the command list.
    static var text: String {
        var out = """

        virsh [options]... [<command_string>]
        virsh [options]... <command> [args...]

          options:
            -c | --connect=URI      hypervisor connection URI
            -h | --help             this help
            -q | --quiet            quiet mode
            -r | --readonly         connect readonly
            -v                      short version
            -V                      long version
                 --version[=TYPE]   version, TYPE is short or long (default short)
                 --json             print every result as JSON
          commands (non interactive mode):


        """
        for command in CommandRegistry.all {
            out += "    \(command.spec.name.padded(to: 30)) \(command.spec.summary)\n"
        }
        out += "\n  (specify help <command> for details about the command)\n\n"
        return out
    }
}
