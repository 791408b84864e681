/// A cgroup or cgroup2 mount, as one line of `/proc/PID/mountinfo` describes it.
public struct CgroupMount: Sendable, Hashable {
    /// The cgroup that the mount shows (field 4), e.g. `/` or `/docker/abc`.
    public var root: String
    /// Where it is mounted (field 5), with `\040`-style escapes decoded.
    public var mountPoint: String
    /// The filesystem type: `cgroup` (v1) or `cgroup2`.
    public var fsType: String
    /// The superblock options (last field), e.g. `["rw", "cpu", "cpuacct"]`.
    public var superOptions: [String]

    /// The cgroup and cgroup2 mounts in the text of a mountinfo file, in file order.
    /// Lines of other filesystems and malformed lines are skipped.
    public static func parse(mountInfo text: String) -> [CgroupMount] {
        text.split(separator: "\n").compactMap(parse(line:))
    }

    private static func parse(line: Substring) -> CgroupMount? {
        let fields = line.split(separator: " ")
        guard let dash = fields.firstIndex(of: "-"), dash >= 6, fields.count >= dash + 4 else { return nil }
        let fsType = String(fields[dash + 1])
        guard fsType == "cgroup" || fsType == "cgroup2" else { return nil }
        return CgroupMount(root: unescape(fields[3]), mountPoint: unescape(fields[4]), fsType: fsType,
                           superOptions: fields[dash + 3].split(separator: ",").map(String.init))
    }

    /// Decodes the kernel's octal escapes (`\040` space, `\011` tab, `\012` newline, `\134` backslash).
    private static func unescape(_ field: Substring) -> String {
        guard field.contains("\\") else { return String(field) }
        var bytes: [UInt8] = []
        var utf8 = Array(field.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "\\"), utf8.count >= 3,
               let value = UInt8(String(decoding: utf8.prefix(3), as: UTF8.self), radix: 8) {
                bytes.append(value)
                utf8 = utf8.dropFirst(3)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
