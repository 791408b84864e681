import CVirtShim
import Glibc
import VirtError

extension SpawnPlan {
    /// Rejects a plan the child could not carry out as asked, before anything is created.
    func validate() throws(VirError) {
        func invalid(_ message: String) -> VirError { VirError.invalidArg("spawn: " + message, domain: .none) }
        if arguments.isEmpty { throw invalid("argv must hold at least argv[0]") }
        let strings = arguments + environment + mounts.flatMap { [$0.source, $0.target, $0.type, $0.data].compactMap { $0 } }
            + readOnlyPaths + [hostname, domainname, rootfs, workingDirectory, uidMap, gidMap].compactMap { $0 }
        if let bad = strings.first(where: { $0.utf8.contains(0) }) { throw invalid("'\(bad)' contains a NUL byte") }
        if case .path(let path) = executable, path.isEmpty { throw invalid("empty executable path") }
        if !namespaces.contains(.mount), !mounts.isEmpty || rootfs != nil || !readOnlyPaths.isEmpty {
            throw invalid("mounts, a rootfs and read-only paths need a new mount namespace")
        }
        if !namespaces.contains(.uts), hostname != nil || domainname != nil {
            throw invalid("a host or domain name needs a new UTS namespace")
        }
        for name in [hostname, domainname].compactMap({ $0 }) where name.utf8.count > 64 {
            throw invalid("'\(name)' is longer than 64 bytes")
        }
        if !namespaces.contains(.user), uidMap != nil || gidMap != nil {
            throw invalid("uid and gid maps need a new user namespace")
        }
        if let link = mounts.first(where: { $0.kind == .symbolicLink && ($0.source ?? "").isEmpty }) {
            throw invalid("the symbolic link '\(link.target)' has no destination")
        }
        for path in [rootfs].compactMap({ $0 }) + mounts.map(\.target) + readOnlyPaths where !path.hasPrefix("/") {
            throw invalid("'\(path)' is not an absolute path")
        }
        if descriptors.count > Int(CVS_MAX_FD_MAPS) { throw invalid("more than \(CVS_MAX_FD_MAPS) descriptors") }
        if let bad = descriptors.first(where: { $0.key < 0 || $0.value < 0 }) {
            throw invalid("invalid descriptor mapping \(bad.value) -> \(bad.key)")
        }
        if seccomp.filter(\.wantsListener).count > 1 { throw invalid("more than one seccomp program wants a listener") }
        if let fd = listenerDescriptor {
            if !seccomp.contains(where: \.wantsListener) { throw invalid("a listener descriptor without a program that notifies") }
            if fd < 3 || descriptors[fd] != nil { throw invalid("listener descriptor \(fd) collides with the standard or mapped descriptors") }
        }
        if let bad = seccomp.first(where: { !(1...Int(BPF_MAXINSNS)).contains($0.instructions.count) }) {
            throw invalid("a seccomp program has \(bad.instructions.count) instructions (1...\(BPF_MAXINSNS) allowed)")
        }
        if let terminal = controllingTerminal, !newSession || terminal < 0 {
            throw invalid("a controlling terminal needs a new session and a descriptor of the child")
        }
        if let signal = parentDeathSignal, !(1...64).contains(signal) { throw invalid("invalid signal \(signal)") }
        if let join = joinNamespaces { try validate(join) }
    }

    private func validate(_ join: NamespaceJoin) throws(VirError) {
        func invalid(_ message: String) -> VirError { VirError.invalidArg("spawn: " + message, domain: .none) }
        if join.pidfd < 0 { throw invalid("invalid pidfd \(join.pidfd) to join namespaces through") }
        if join.namespaces.isEmpty { throw invalid("no namespaces to join") }
        let known = NamespaceSet.all.reduce(into: NamespaceSet()) { $0.formUnion($1.0) }
        if !join.namespaces.isSubset(of: known) {
            throw invalid("unknown namespace bits 0x\(String(join.namespaces.subtracting(known).rawValue, radix: 16)) to join")
        }
        let both = join.namespaces.intersection(namespaces)
        if !both.isEmpty { throw invalid("cannot both create and join the \(both) namespace") }
    }
}
