import Foundation
import Glibc
import Testing
import VirtXML
@testable import VirtDriverQEMU

/// What the tests that run Debian's QEMU need, and a scratch directory for each.
enum RealQEMU {
    static let emulator = "/usr/bin/qemu-system-x86_64"
    /// Whether QEMU is installed and KVM usable (`scripts/install-test-deps` installs QEMU; CI
    /// runs as root on a host with /dev/kvm).
    static let available = access(emulator, X_OK) == 0 && access("/dev/kvm", R_OK | W_OK) == 0
    static let why: Comment = "needs Debian's qemu-system-x86 and a usable /dev/kvm"

    /// A fresh directory, removed by the caller.
    static func scratchDirectory() throws -> String {
        var template = Array("/tmp/swiftvirt-qemu-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw POSIXError(.EIO) }
        return String(cString: made)
    }

    /// The diskless KVM guest of `virt-bench qemu`: 256 MiB, SeaBIOS, a serial console.
    static func benchGuest(name: String = "bench") throws -> DomainDefinition {
        var definition = try DomainDefinition.parse(try Fixtures.read("xml2argv/kvm-diskless.xml"))
        definition.name = name
        return definition
    }
}
