import VirtSystem

#if canImport(Glibc)
import Glibc
#endif

/// The seccomp program every process of a context runs under. It notifies the keeper of the
/// few calls a context capability or flag gates (and of uname(2) and reboot(2), which the
/// keeper answers), so that capabilities and flags can change while the context runs.
/// Everything else runs at full speed.
enum ContextSeccomp {
    /// CLONE_NEW* bits of clone(2) (CLONE_NEWTIME is not valid there: its bit is the exit signal's).
    static let cloneNamespaceBits: UInt64 = 0x7E02_0000
    /// CLONE_NEW* bits of unshare(2), CLONE_NEWTIME included.
    static let unshareNamespaceBits: UInt64 = 0x7E02_0080

    static let program: SeccompProgram = {
        // Every raw socket: the keeper lets through all but ICMP ones (VXC_RAW_ICMP). Raw
        // sockets are rare, and one test here is far shorter than matching family and protocol.
        let rawSockets = SeccompRule(syscall: .socket, [SeccompCondition(argument: 1, .maskedEqual(mask: 0xf, value: UInt64(SOCK_RAW.rawValue)))],
                                     action: .notify)
        let always: [SystemCall] = [.uname, .reboot, .sethostname, .setdomainname, .syslog, .mount, .openTree, .moveMount,
                                    .fsopen, .fsconfig, .fsmount, .fspick, .mountSetattr, .quotactl, .quotactlFD, .setrlimit, .setns]
        var rules = always.map { SeccompRule(syscall: $0, action: .notify) }
        rules.append(rawSockets)
        rules += [
            SeccompRule(syscall: .prlimit64, [SeccompCondition(argument: 2, .greater(0))], action: .notify),
            SeccompRule(syscall: .setpriority, [SeccompCondition(argument: 2, .maskedEqual(mask: 0x8000_0000, value: 0x8000_0000))], action: .notify),
            SeccompRule(syscall: .clone, [SeccompCondition(argument: 0, .anyBitSet(cloneNamespaceBits))], action: .notify),
            SeccompRule(syscall: .unshare, [SeccompCondition(argument: 0, .anyBitSet(unshareNamespaceBits))], action: .notify),
            // clone3 passes its flags in memory a filter cannot read: make callers use clone(2).
            SeccompRule(syscall: .clone3, action: .errno(ENOSYS)),
        ]
        return SeccompProgram(allowingAllExcept: rules)
    }()
}
