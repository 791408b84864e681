import VirtError

/// The fields of `/proc/PID/status` that VirtSystem uses.
public struct ProcessStatus: Hashable, Sendable {
    /// `Threads:` the number of threads.
    public var threads: Int
    /// `CapEff:` the effective capabilities.
    public var effectiveCapabilities: CapabilitySet
    /// `CapBnd:` the capability bounding set.
    public var boundingSet: CapabilitySet
    /// `NSpid:` the pid in each pid namespace, from the reader's namespace inward; the last
    /// is the pid inside the process's own namespace (1 for a container's init).
    public var namespacePIDs: [Int32]

    /// Reads `/proc/PID/status`.
    public static func read(pid: Int32) throws(VirError) -> ProcessStatus {
        try ProcessStatus(parsing: SystemFile.read("/proc/\(pid)/status"))
    }

    /// Parses the text of a `/proc/PID/status` file.
    public init(parsing text: String) throws(VirError) {
        var fields: [Substring: Substring] = [:]
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[line[..<colon]] = line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
        }
        func field(_ name: Substring) throws(VirError) -> Substring {
            guard let value = fields[name] else { throw VirError(.internalError, "/proc/PID/status has no \(name) field") }
            return value
        }
        guard let threads = Int(try field("Threads")) else { throw VirError(.internalError, "malformed Threads in /proc/PID/status") }
        self.threads = threads
        self.effectiveCapabilities = try CapabilitySet(hexMask: try field("CapEff"))
        self.boundingSet = try CapabilitySet(hexMask: try field("CapBnd"))
        self.namespacePIDs = try field("NSpid").split(whereSeparator: { $0 == "\t" || $0 == " " }).compactMap { Int32($0) }
    }
}
