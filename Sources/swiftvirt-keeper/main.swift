import CVirtSupervisor

/// `swiftvirt-keeper`: answers the seccomp notifications of every security context of a root.
/// All of it is C (CVirtSupervisor); this entry point is built as Embedded Swift so the
/// binary carries no Swift runtime.
@main
struct SwiftVirtKeeper {
    static func main() {
        virt_keeper_run()
    }
}
