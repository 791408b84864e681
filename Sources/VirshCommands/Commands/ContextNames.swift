import SwiftVirt
import VirtContexts
import VirtSystem

#if canImport(Glibc)
import Glibc
#endif

/// The names of the bits of a context flag or capability word, as util-vserver's tools read
/// and print them: `INFO_INIT`, `info_init`, `VXF_INFO_INIT`, or a `0x` number; lists are
/// comma-separated, and `~NAME` (or `!NAME`) asks for a bit to be cleared.
struct ContextBitNames: Sendable {
    /// What a bit is, for errors (`context flag`).
    let kind: String
    /// libvserver's prefix, accepted before a name (`VXF_`).
    let prefix: String
    /// The printed name of each bit.
    let names: [(name: String, bit: UInt64)]
    /// util-vserver's other spellings.
    let aliases: [(name: String, bit: UInt64)]

    /// The bits `words` set and clear; each word is a comma-separated list.
    func parse(_ words: [String]) throws(VirError) -> (set: UInt64, clear: UInt64) {
        var set: UInt64 = 0, clear: UInt64 = 0
        for word in words {
            for item in word.split(separator: ",") {
                let negated = item.first == "~" || item.first == "!"
                let bits = try bits(negated ? item.dropFirst() : item)
                if negated { clear |= bits } else { set |= bits }
            }
        }
        return (set, clear)
    }

    /// The bits to set and to clear for `--set` words and `--clear` words (where `~NAME` sets).
    func parse(set: [String], clear: [String]) throws(VirError) -> (set: UInt64, clear: UInt64) {
        let (setting, clearing) = (try parse(set), try parse(clear))
        return (setting.set | clearing.clear, setting.clear | clearing.set)
    }

    /// The bits of one name or number.
    private func bits(_ word: Substring) throws(VirError) -> UInt64 {
        let upper = word.uppercased()
        if upper.hasPrefix("0X"), let number = UInt64(upper.dropFirst(2), radix: 16) { return number }
        let bare = upper.hasPrefix(prefix) ? String(upper.dropFirst(prefix.count)) : upper
        guard let bit = (names + aliases).first(where: { $0.name == bare })?.bit else {
            throw VirError.invalidArg("unknown \(kind) '\(word)'", domain: .none)
        }
        return bit
    }

    /// The names of the bits of `value`, lowest first; bits without a name as one `0x` number.
    func names(of value: UInt64) -> [String] {
        let named = names.filter { value & $0.bit != 0 }.sorted { $0.bit < $1.bit }
        let rest = value & ~named.reduce(0) { $0 | $1.bit }
        return named.map(\.name) + (rest == 0 ? [] : ["0x" + String(rest, radix: 16)])
    }

    /// Context flags (`VXF_*`).
    static let flags = ContextBitNames(kind: "context flag", prefix: "VXF_", names: [
        ("INFO_SCHED", ContextFlags.infoSched.rawValue), ("INFO_NPROC", ContextFlags.infoNproc.rawValue),
        ("INFO_PRIVATE", ContextFlags.infoPrivate.rawValue), ("INFO_INIT", ContextFlags.infoInit.rawValue),
        ("INFO_HIDE", ContextFlags.infoHide.rawValue), ("INFO_ULIMIT", ContextFlags.infoUlimit.rawValue),
        ("INFO_NSPACE", ContextFlags.infoNspace.rawValue), ("SCHED_HARD", ContextFlags.schedHard.rawValue),
        ("SCHED_PRIO", ContextFlags.schedPrio.rawValue), ("SCHED_PAUSE", ContextFlags.schedPause.rawValue),
        ("VIRT_MEM", ContextFlags.virtMem.rawValue), ("VIRT_UPTIME", ContextFlags.virtUptime.rawValue),
        ("VIRT_CPU", ContextFlags.virtCPU.rawValue), ("VIRT_LOAD", ContextFlags.virtLoad.rawValue),
        ("VIRT_TIME", ContextFlags.virtTime.rawValue), ("HIDE_MOUNT", ContextFlags.hideMount.rawValue),
        ("HIDE_NETIF", ContextFlags.hideNetif.rawValue), ("HIDE_VINFO", ContextFlags.hideVinfo.rawValue),
        ("STATE_SETUP", ContextFlags.stateSetup.rawValue), ("STATE_INIT", ContextFlags.stateInit.rawValue),
        ("STATE_ADMIN", ContextFlags.stateAdmin.rawValue), ("SC_HELPER", ContextFlags.scHelper.rawValue),
        ("REBOOT_KILL", ContextFlags.rebootKill.rawValue), ("PERSISTENT", ContextFlags.persistent.rawValue),
        ("FORK_RSS", ContextFlags.forkRSS.rawValue), ("PROLIFIC", ContextFlags.prolific.rawValue),
        ("IGNEG_NICE", ContextFlags.ignoreNegativeNice.rawValue),
    ], aliases: [
        ("FAKEINIT", ContextFlags.infoInit.rawValue), ("NAMESPACE", ContextFlags.infoNspace.rawValue),
        ("PRIVATE", ContextFlags.infoPrivate.rawValue), ("HIDEINFO", ContextFlags.infoHide.rawValue),
        ("ULIMIT", ContextFlags.infoUlimit.rawValue), ("NPROC", ContextFlags.infoNproc.rawValue),
    ])

    /// Context capabilities (`VXC_*`).
    static let capabilities = ContextBitNames(kind: "context capability", prefix: "VXC_", names: [
        ("SET_UTSNAME", ContextCapabilities.setUtsname.rawValue), ("SET_RLIMIT", ContextCapabilities.setRlimit.rawValue),
        ("RAW_ICMP", ContextCapabilities.rawICMP.rawValue), ("SYSLOG", ContextCapabilities.syslog.rawValue),
        ("SECURE_MOUNT", ContextCapabilities.secureMount.rawValue),
        ("SECURE_REMOUNT", ContextCapabilities.secureRemount.rawValue),
        ("BINARY_MOUNT", ContextCapabilities.binaryMount.rawValue), ("QUOTA_CTL", ContextCapabilities.quotaCtl.rawValue),
        ("ADMIN_MAPPER", ContextCapabilities.adminMapper.rawValue), ("ADMIN_CLOOP", ContextCapabilities.adminCloop.rawValue),
    ], aliases: [
        ("UTSNAME", ContextCapabilities.setUtsname.rawValue), ("RLIMIT", ContextCapabilities.setRlimit.rawValue),
    ])
}

/// Capability bounding sets (`CAP_*` names, via ``CapabilitySet/init(names:)``), read as
/// lists the way ``ContextBitNames`` reads flags: names or a `0x` mask, `~NAME` to clear.
enum BoundingSetNames {
    /// The capabilities `words` set and clear.
    static func parse(_ words: [String]) throws(VirError) -> (set: CapabilitySet, clear: CapabilitySet) {
        var set = CapabilitySet(), clear = CapabilitySet()
        for item in words.flatMap({ $0.split(separator: ",") }) {
            let negated = item.first == "~" || item.first == "!"
            let word = negated ? item.dropFirst() : item
            let parsed = word.lowercased().hasPrefix("0x") ? try CapabilitySet(hexMask: word) : try CapabilitySet(names: String(word))
            if negated { clear.formUnion(parsed) } else { set.formUnion(parsed) }
        }
        return (set, clear)
    }

    /// The capabilities to set and to clear for `--set` words and `--clear` words.
    static func parse(set: [String], clear: [String]) throws(VirError) -> (set: CapabilitySet, clear: CapabilitySet) {
        let (setting, clearing) = (try parse(set), try parse(clear))
        return (setting.set.union(clearing.clear), setting.clear.union(clearing.set))
    }

    /// The names of `set`'s capabilities, lowest first.
    static func names(of set: CapabilitySet) -> [String] {
        set.capabilities.map(\.description)
    }
}

/// Signals by name (`TERM`, `SIGTERM`, `term`) or number, as `kill(1)` and `vkill` read them.
enum SignalNames {
    /// Linux's standard signals.
    static let all: [(name: String, number: Int32)] = [
        ("HUP", SIGHUP), ("INT", SIGINT), ("QUIT", SIGQUIT), ("ILL", SIGILL), ("TRAP", SIGTRAP), ("ABRT", SIGABRT),
        ("IOT", SIGABRT), ("BUS", SIGBUS), ("FPE", SIGFPE), ("KILL", SIGKILL), ("USR1", SIGUSR1), ("SEGV", SIGSEGV),
        ("USR2", SIGUSR2), ("PIPE", SIGPIPE), ("ALRM", SIGALRM), ("TERM", SIGTERM), ("STKFLT", SIGSTKFLT),
        ("CHLD", SIGCHLD), ("CONT", SIGCONT), ("STOP", SIGSTOP), ("TSTP", SIGTSTP), ("TTIN", SIGTTIN),
        ("TTOU", SIGTTOU), ("URG", SIGURG), ("XCPU", SIGXCPU), ("XFSZ", SIGXFSZ), ("VTALRM", SIGVTALRM),
        ("PROF", SIGPROF), ("WINCH", SIGWINCH), ("IO", SIGIO), ("POLL", SIGIO), ("PWR", SIGPWR), ("SYS", SIGSYS),
    ]

    /// The signal `text` names; 0 through 64 by number.
    static func parse(_ text: String) throws(VirError) -> Int32 {
        if let number = Int32(text), (0...64).contains(number) { return number }
        let upper = text.uppercased()
        let bare = upper.hasPrefix("SIG") ? String(upper.dropFirst(3)) : upper
        guard let signal = all.first(where: { $0.name == bare })?.number else {
            throw VirError.invalidArg("unknown signal '\(text)'", domain: .none)
        }
        return signal
    }
}

/// The fields of `vx_uname_get`/`vx_uname_set` by name (`nodename`, `VHIN_NODENAME`).
enum UnameFieldNames {
    /// Each field's name, in `VHIN_*` order.
    static let all: [(name: String, field: UnameField)] = [
        ("context", .context), ("sysname", .sysname), ("nodename", .nodename), ("release", .release),
        ("version", .version), ("machine", .machine), ("domainname", .domainname),
    ]

    /// The field `text` names.
    static func parse(_ text: String) throws(VirError) -> UnameField {
        let lower = text.lowercased()
        let bare = lower.hasPrefix("vhin_") ? String(lower.dropFirst(5)) : lower
        guard let field = all.first(where: { $0.name == bare })?.field else {
            throw VirError.invalidArg("unknown uname field '\(text)': expected one of \(all.map(\.name).joined(separator: ", "))", domain: .none)
        }
        return field
    }

    /// The name of `field`.
    static func name(_ field: UnameField) -> String {
        all.first { $0.field == field }?.name ?? "\(field.rawValue)"
    }
}
