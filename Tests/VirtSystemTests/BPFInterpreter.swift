import CVirtShim
import Glibc
@testable import VirtSystem

/// Runs a classic BPF seccomp program the way the kernel does, over a `struct seccomp_data`
/// built from a call number and its arguments, so that tests can check what a program
/// decides without installing it. Knows the instructions SeccompProgramBuilder emits.
enum BPFInterpreter {
    struct Unsupported: Error { let instruction: BPFInstruction }

    static func run(_ program: [BPFInstruction], number: Int32, arguments: [UInt64], architecture: UInt32 = cvs_audit_arch) throws -> UInt32 {
        var data: [UInt32] = [UInt32(bitPattern: number), architecture, 0, 0]  // nr, arch, instruction pointer
        for index in 0..<6 {
            let value = index < arguments.count ? arguments[index] : 0
            data += [UInt32(truncatingIfNeeded: value), UInt32(value >> 32)]
        }
        var accumulator: UInt32 = 0
        var pc = 0
        while pc < program.count {
            let instruction = program[pc]
            func jump(_ holds: Bool) { pc += 1 + Int(holds ? instruction.jt : instruction.jf) }
            switch Int32(instruction.code) {
            case BPF_LD | BPF_W | BPF_ABS:
                accumulator = data[Int(instruction.k) / 4]
                pc += 1
            case BPF_ALU | BPF_AND | BPF_K:
                accumulator &= instruction.k
                pc += 1
            case BPF_RET | BPF_K:
                return instruction.k
            case BPF_JMP | BPF_JEQ | BPF_K: jump(accumulator == instruction.k)
            case BPF_JMP | BPF_JGT | BPF_K: jump(accumulator > instruction.k)
            case BPF_JMP | BPF_JGE | BPF_K: jump(accumulator >= instruction.k)
            case BPF_JMP | BPF_JSET | BPF_K: jump(accumulator & instruction.k != 0)
            default: throw Unsupported(instruction: instruction)
            }
        }
        throw Unsupported(instruction: BPFInstruction(code: 0xffff, k: 0))  // ran off the end
    }
}

extension SeccompCondition {
    /// Whether the condition holds for these arguments: the reference a program is checked
    /// against.
    func holds(for arguments: [UInt64]) -> Bool {
        let value = arguments[argument]
        switch comparison {
        case .equal(let expected): return value == expected
        case .maskedEqual(let mask, let expected): return value & mask == expected & mask
        case .greater(let bound): return value > bound
        case .anyBitSet(let mask): return value & mask != 0
        }
    }
}
