import CVirtShim

/// One classic BPF instruction, laid out like the kernel's `struct sock_filter`.
public struct BPFInstruction: Hashable, Sendable {
    /// The opcode (`BPF_LD | BPF_W | BPF_ABS`, …).
    public var code: UInt16
    /// Jump offset when the condition holds.
    public var jt: UInt8
    /// Jump offset when it does not.
    public var jf: UInt8
    /// The constant operand.
    public var k: UInt32

    /// An instruction from its four fields.
    public init(code: UInt16, jt: UInt8 = 0, jf: UInt8 = 0, k: UInt32) {
        self.code = code
        self.jt = jt
        self.jf = jf
        self.k = k
    }

    /// `A = data[offset]` (a 32-bit word of `struct seccomp_data`).
    public static func load(offset: UInt32) -> Self { Self(code: UInt16(BPF_LD | BPF_W | BPF_ABS), k: offset) }
    /// `A &= k`.
    public static func and(_ k: UInt32) -> Self { Self(code: UInt16(BPF_ALU | BPF_AND | BPF_K), k: k) }
    /// `return k`.
    public static func ret(_ k: UInt32) -> Self { Self(code: UInt16(BPF_RET | BPF_K), k: k) }
    /// Jump by `jt` if `A == k`, else by `jf`.
    public static func jumpEqual(_ k: UInt32, jt: UInt8, jf: UInt8) -> Self {
        Self(code: UInt16(BPF_JMP | BPF_JEQ | BPF_K), jt: jt, jf: jf, k: k)
    }
    /// Jump by `jt` if `A > k` (unsigned), else by `jf`.
    public static func jumpGreater(_ k: UInt32, jt: UInt8, jf: UInt8) -> Self {
        Self(code: UInt16(BPF_JMP | BPF_JGT | BPF_K), jt: jt, jf: jf, k: k)
    }
    /// Jump by `jt` if `A >= k` (unsigned), else by `jf`.
    public static func jumpGreaterOrEqual(_ k: UInt32, jt: UInt8, jf: UInt8) -> Self {
        Self(code: UInt16(BPF_JMP | BPF_JGE | BPF_K), jt: jt, jf: jf, k: k)
    }
    /// Jump by `jt` if `A & k != 0`, else by `jf`.
    public static func jumpAnySet(_ k: UInt32, jt: UInt8, jf: UInt8) -> Self {
        Self(code: UInt16(BPF_JMP | BPF_JSET | BPF_K), jt: jt, jf: jf, k: k)
    }
}
