import CVirtShim

/// What a seccomp filter does with a system call.
public enum SeccompAction: Hashable, Sendable {
    /// Let it run (`SECCOMP_RET_ALLOW`).
    case allow
    /// Fail it with this errno without running it (`SECCOMP_RET_ERRNO`); 0 fakes success.
    case errno(Int32)
    /// Ask the supervisor holding the listener fd (`SECCOMP_RET_USER_NOTIF`).
    case notify
    /// Kill the whole process (`SECCOMP_RET_KILL_PROCESS`).
    case killProcess

    /// The filter's return value.
    var returnValue: UInt32 {
        switch self {
        case .allow: UInt32(SECCOMP_RET_ALLOW)
        case .errno(let code): UInt32(SECCOMP_RET_ERRNO) | (UInt32(bitPattern: code) & UInt32(SECCOMP_RET_DATA))
        case .notify: UInt32(SECCOMP_RET_USER_NOTIF)
        case .killProcess: UInt32(SECCOMP_RET_KILL_PROCESS)
        }
    }
}

/// A test on one 64-bit system call argument.
public struct SeccompCondition: Hashable, Sendable {
    /// How the argument is compared.
    public enum Comparison: Hashable, Sendable {
        /// `arg == value`.
        case equal(UInt64)
        /// `arg & mask == value & mask`.
        case maskedEqual(mask: UInt64, value: UInt64)
        /// `arg > value`, unsigned.
        case greater(UInt64)
        /// `arg & mask != 0`.
        case anyBitSet(UInt64)
    }

    /// Which argument, 0...5.
    public var argument: Int
    /// The comparison.
    public var comparison: Comparison

    /// A test of argument `argument` (0...5).
    public init(argument: Int, _ comparison: Comparison) {
        precondition((0...5).contains(argument), "system calls have arguments 0...5")
        self.argument = argument
        self.comparison = comparison
    }
}

/// "System call `syscall`, when every condition holds, gets `action`."
public struct SeccompRule: Hashable, Sendable {
    /// The system call.
    public var syscall: SystemCall
    /// Tests on its arguments, all of which must hold; none means "always".
    public var conditions: [SeccompCondition]
    /// What the filter returns when the rule matches.
    public var action: SeccompAction

    /// A rule.
    public init(syscall: SystemCall, _ conditions: [SeccompCondition] = [], action: SeccompAction) {
        self.syscall = syscall
        self.conditions = conditions
        self.action = action
    }
}
