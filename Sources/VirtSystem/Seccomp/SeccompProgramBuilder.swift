import CVirtShim

/// Translates rules into BPF. A rule without conditions is one jump on the system call
/// number to a `ret` shared by every such rule with the same action; a rule with conditions
/// is one block that starts by loading the number and ends in its own `ret`, and a failed
/// test jumps to the next block. The kernel converts, JIT-compiles and (for its action
/// cache) emulates every filter a process installs, so each instruction saved is paid back
/// on every spawn.
enum SeccompProgramBuilder {
    /// Offsets in `struct seccomp_data`.
    private static let numberOffset: UInt32 = 0
    private static let archOffset: UInt32 = 4
    private static func argumentOffset(_ index: Int, high: Bool) -> UInt32 {
        UInt32(16 + 8 * index + (high ? 4 : 0))  // little-endian: low word first
    }

    /// Kills calls made for another architecture, and x32 calls on x86_64.
    static func architectureCheck() -> [BPFInstruction] {
        let kill = BPFInstruction.ret(SeccompAction.killProcess.returnValue)
        var check: [BPFInstruction] = [.load(offset: archOffset), .jumpEqual(cvs_audit_arch, jt: 1, jf: 0), kill]
        #if arch(x86_64)
        let x32SyscallBit: UInt32 = 0x4000_0000
        check += [.load(offset: numberOffset), .jumpGreaterOrEqual(x32SyscallBit, jt: 0, jf: 1), kill]
        #endif
        return check
    }

    /// Every rule, in an order that decides as the rules' own order does (the first rule
    /// that matches wins), then `ret allow`. Unconditional rules come first, as jumps to
    /// shared `ret`s, unless an earlier rule with conditions names the same call; rules after
    /// an unconditional one for the same call could never match and are left out.
    static func rules(_ rules: [SeccompRule]) -> [BPFInstruction] {
        var direct: [SeccompRule] = []
        var blocks: [SeccompRule] = []
        var decided = Set<Int32>(), conditional = Set<Int32>()
        for rule in rules where !decided.contains(rule.syscall.rawValue) {
            if !rule.conditions.isEmpty {
                conditional.insert(rule.syscall.rawValue)
                blocks.append(rule)
            } else {
                decided.insert(rule.syscall.rawValue)
                if conditional.contains(rule.syscall.rawValue) { blocks.append(rule) } else { direct.append(rule) }
            }
        }
        var actions: [SeccompAction] = []
        for rule in direct where !actions.contains(rule.action) { actions.append(rule.action) }
        let body = blocks.flatMap(block(for:))
        // load, the jumps, the blocks, `ret allow`, then the shared `ret`s.
        var program: [BPFInstruction] = [.load(offset: numberOffset)]
        for (index, rule) in direct.enumerated() {
            let sharedReturn = 1 + direct.count + body.count + 1 + actions.firstIndex(of: rule.action)!
            let offset = sharedReturn - (1 + index) - 1
            precondition(offset < 256, "too many seccomp rules for BPF's 8-bit jumps")
            program.append(.jumpEqual(UInt32(bitPattern: rule.syscall.rawValue), jt: UInt8(offset), jf: 0))
        }
        program += body
        program.append(.ret(SeccompAction.allow.returnValue))
        program += actions.map { .ret($0.returnValue) }
        return program
    }

    /// Where a jump goes, resolved once the block's length is known.
    private enum Target {
        case next             // the following instruction
        case skip(UInt8)      // that many instructions further
        case failRule         // the first instruction of the next rule
    }

    private struct Pending {
        var instruction: BPFInstruction
        var jt: Target = .next
        var jf: Target = .next
    }

    /// The block of one rule.
    static func block(for rule: SeccompRule) -> [BPFInstruction] {
        var pending: [Pending] = [
            Pending(instruction: .load(offset: numberOffset)),
            Pending(instruction: .jumpEqual(UInt32(bitPattern: rule.syscall.rawValue), jt: 0, jf: 0), jf: .failRule),
        ]
        for condition in rule.conditions { pending += test(condition) }
        pending.append(Pending(instruction: .ret(rule.action.returnValue)))
        precondition(pending.count < 256, "a seccomp rule must fit BPF's 8-bit jumps")
        return pending.enumerated().map { index, item in
            var instruction = item.instruction
            func offset(_ target: Target) -> UInt8 {
                switch target {
                case .next: 0
                case .skip(let count): count
                case .failRule: UInt8(pending.count - index - 1)
                }
            }
            instruction.jt = offset(item.jt)
            instruction.jf = offset(item.jf)
            return instruction
        }
    }

    /// Instructions that fall through when `condition` holds and fail the rule otherwise.
    private static func test(_ condition: SeccompCondition) -> [Pending] {
        let low = BPFInstruction.load(offset: argumentOffset(condition.argument, high: false))
        let high = BPFInstruction.load(offset: argumentOffset(condition.argument, high: true))
        func split(_ value: UInt64) -> (high: UInt32, low: UInt32) { (UInt32(value >> 32), UInt32(truncatingIfNeeded: value)) }
        func equal(_ load: BPFInstruction, mask: UInt32, value: UInt32) -> [Pending] {
            if mask == 0 { return [] }
            var words = [Pending(instruction: load)]
            if mask != .max { words.append(Pending(instruction: .and(mask))) }
            words.append(Pending(instruction: .jumpEqual(value & mask, jt: 0, jf: 0), jf: .failRule))
            return words
        }
        switch condition.comparison {
        case .equal(let value):
            let v = split(value)
            return equal(high, mask: .max, value: v.high) + equal(low, mask: .max, value: v.low)
        case .maskedEqual(let mask, let value):
            let m = split(mask), v = split(value)
            return equal(high, mask: m.high, value: v.high) + equal(low, mask: m.low, value: v.low)
        case .greater(let value):
            let v = split(value)
            return [
                Pending(instruction: high),
                Pending(instruction: .jumpGreater(v.high, jt: 0, jf: 0), jt: .skip(3)),  // high word larger: holds
                Pending(instruction: .jumpEqual(v.high, jt: 0, jf: 0), jf: .failRule),
                Pending(instruction: low),
                Pending(instruction: .jumpGreater(v.low, jt: 0, jf: 0), jf: .failRule),
            ]
        case .anyBitSet(let mask):
            let m = split(mask)
            switch (m.high, m.low) {
            case (0, 0):
                return [Pending(instruction: .jumpEqual(0, jt: 0, jf: 0), jt: .failRule, jf: .failRule)]
            case (0, let lowMask):
                return [Pending(instruction: low), Pending(instruction: .jumpAnySet(lowMask, jt: 0, jf: 0), jf: .failRule)]
            case (let highMask, 0):
                return [Pending(instruction: high), Pending(instruction: .jumpAnySet(highMask, jt: 0, jf: 0), jf: .failRule)]
            case (let highMask, let lowMask):
                return [
                    Pending(instruction: high),
                    Pending(instruction: .jumpAnySet(highMask, jt: 0, jf: 0), jt: .skip(2)),  // a high bit: holds
                    Pending(instruction: low),
                    Pending(instruction: .jumpAnySet(lowMask, jt: 0, jf: 0), jf: .failRule),
                ]
            }
        }
    }
}
