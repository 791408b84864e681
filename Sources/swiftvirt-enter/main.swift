import CVirtSupervisor

/// `swiftvirt-enter`: runs a command inside a container's namespaces for
/// `virtsh lxc-enter-namespace`. All of it is C (CVirtSupervisor); this entry point is built
/// as Embedded Swift so the binary carries no Swift runtime.
@main
struct SwiftVirtEnter {
    static func main() {
        virt_enter_run()
    }
}
