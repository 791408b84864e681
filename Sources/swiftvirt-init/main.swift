import CVirtSupervisor

/// `swiftvirt-init`: the first process of a persistent security context. All of it is C
/// (CVirtSupervisor); this entry point is built as Embedded Swift so the binary carries no
/// Swift runtime.
@main
struct SwiftVirtInit {
    static func main() {
        virt_init_run()
    }
}
