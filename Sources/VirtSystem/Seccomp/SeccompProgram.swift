import CVirtShim

/// A seccomp filter: a classic BPF program over `struct seccomp_data`, ready to install.
public struct SeccompProgram: Hashable, Sendable {
    /// The instructions.
    public var instructions: [BPFInstruction]
    /// Whether installing it asks for a user-notification listener fd
    /// (`SECCOMP_FILTER_FLAG_NEW_LISTENER`). A spawn takes at most one such program.
    public var wantsListener: Bool

    /// A program from raw instructions.
    public init(instructions: [BPFInstruction], wantsListener: Bool = false) {
        self.instructions = instructions
        self.wantsListener = wantsListener
    }

    /// A program that allows every system call except those a rule matches; the first
    /// matching rule decides. A call from another architecture (or the x32 ABI) kills the
    /// process, because the rules' numbers would mean other calls there. The program wants
    /// a listener when a rule notifies.
    public init(allowingAllExcept rules: [SeccompRule]) {
        let program = SeccompProgramBuilder.architectureCheck() + SeccompProgramBuilder.rules(rules)
        self.init(instructions: program, wantsListener: rules.contains { $0.action == .notify })
    }
}
