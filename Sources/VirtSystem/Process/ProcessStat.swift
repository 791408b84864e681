import Glibc
import VirtError

/// The fields of `/proc/PID/stat` that VirtSystem uses.
public struct ProcessStat: Hashable, Sendable {
    /// The process id.
    public var pid: Int32
    /// The command name (`comm`), at most 15 bytes.
    public var command: String
    /// The state letter: `R` running, `S` sleeping, `D` uninterruptible, `Z` zombie, `T` stopped, …
    public var state: Character
    /// The parent's pid.
    public var parentPID: Int32
    /// The number of threads.
    public var threads: Int
    /// When the process started, in clock ticks since boot. With the pid it identifies a
    /// process across pid reuse.
    public var startTime: UInt64
    /// CPU time spent in user and kernel mode (utime + stime), in clock ticks.
    public var cpuTicks: UInt64
    /// The same CPU time in nanoseconds, as libvirt reports CPU time.
    public var cpuNanoseconds: UInt64 { cpuTicks * Self.nanosecondsPerTick }

    /// How long a clock tick of `/proc/PID/stat` is (`sysconf(_SC_CLK_TCK)`), in nanoseconds.
    public static let nanosecondsPerTick = 1_000_000_000 / UInt64(max(sysconf(Int32(_SC_CLK_TCK)), 1))
    /// The CPU it last ran on (`processor`), or -1 where the kernel does not show it.
    public var lastCPU: Int32

    /// Reads `/proc/PID/stat`.
    public static func read(pid: Int32) throws(VirError) -> ProcessStat {
        try ProcessStat(parsing: SystemFile.read("/proc/\(pid)/stat"))
    }

    /// Parses the text of a `/proc/PID/stat` file. The command may contain spaces and
    /// parentheses, so fields are counted from the last `)`.
    public init(parsing text: String) throws(VirError) {
        func malformed() -> VirError { VirError(.internalError, "malformed /proc/PID/stat: '\(text.prefix(80))'") }
        guard let open = text.firstIndex(of: "("), let close = text.lastIndex(of: ")"), open < close,
              let pid = Int32(text[..<open].trimmingSuffix(" ")) else { throw malformed() }
        // Fields from 3 (state) on; field n is at index n - 3.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 19, let state = fields[0].first, let parent = Int32(fields[1]),
              let threads = Int(fields[17]), let start = UInt64(fields[19]),
              let user = UInt64(fields[11]), let system = UInt64(fields[12]) else { throw malformed() }
        self.pid = pid
        self.command = String(text[text.index(after: open)..<close])
        self.state = state
        self.parentPID = parent
        self.threads = threads
        self.startTime = start
        self.cpuTicks = user + system
        self.lastCPU = fields.count > 36 ? Int32(fields[36]) ?? -1 : -1
    }
}

extension StringProtocol {
    /// The text without trailing `character`s.
    func trimmingSuffix(_ character: Character) -> SubSequence {
        var end = endIndex
        while end > startIndex, self[index(before: end)] == character { end = index(before: end) }
        return self[startIndex..<end]
    }
}
