#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import VirshCommands

/// Writes straight to a file descriptor, unbuffered, so stdout and stderr interleave
/// in the order virsh would produce them.
final class FileDescriptorSink: TextSink {
    private let descriptor: Int32

    init(_ descriptor: Int32) { self.descriptor = descriptor }

    func write(_ text: String) {
        var text = text
        text.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }
}

var environment: [String: String] = [:]
for name in ["VIRSH_DEFAULT_CONNECT_URI", "LIBVIRT_DEFAULT_URI"] {
    if let value = getenv(name) { environment[name] = String(cString: value) }
}
let status = await Virsh.main(
    arguments: Array(CommandLine.arguments.dropFirst()), environment: environment,
    output: FileDescriptorSink(1), errors: FileDescriptorSink(2)
)
exit(status)
