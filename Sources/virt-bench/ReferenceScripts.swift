import Foundation

/// The stock side of the benchmarks: Python scripts in scripts/reference (run from the
/// repository's root, as scripts/bench does) that drive crun, libvirtd and LXC and print
/// their medians as JSON.
enum ReferenceScripts {
    /// The figures of `crun_reference.py MODE` (`run`: /bin/true until it exits; `detach`:
    /// a detached sleep until it runs, then its forced delete), in milliseconds.
    static func crun(_ mode: String, rounds: Int) throws -> [String: Double] {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/crun") else { throw BenchError.missing("crun (run scripts/install-test-deps)") }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("swiftvirt-crun-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let empty = scratch + "/empty-controllers"
        _ = FileManager.default.createFile(atPath: empty, contents: nil)
        // crun 1.8 refuses this hybrid cgroup layout unless the empty v2 hierarchy looks controller-less.
        let shell = "mount --bind \(empty) /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null; exec /usr/bin/python3 \"$@\""
        return try figures(Bench.capture(["/usr/bin/unshare", "-m", "--propagation", "private", "/bin/sh", "-c", shell, "sh",
                                          try script("crun_reference.py"), mode, scratch + "/bundle", "\(rounds)"]))
    }

    /// The figures of `lxc_reference.py`: libvirt's LXC driver (its own libvirtd, set up to
    /// work on this host) and LXC, for the application container of `virt-bench lxc`.
    static func lxc(rounds: Int, containers: Int) throws -> (libvirt: [String: Double], lxc: [String: Double], notes: [String]) {
        let output = try Bench.capture(["/usr/bin/python3", try script("lxc_reference.py"), "\(rounds)", "\(containers)"])
        guard let object = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any] else {
            throw BenchError.commandFailed("lxc_reference.py printed \(output)", 0)
        }
        func numbers(_ key: String) -> [String: Double] {
            ((object[key] as? [String: Any]) ?? [:]).compactMapValues { ($0 as? NSNumber)?.doubleValue }
        }
        return (numbers("libvirt"), numbers("lxc"), object["notes"] as? [String] ?? [])
    }

    /// The path of `name` in scripts/reference.
    static func script(_ name: String) throws -> String {
        let path = FileManager.default.currentDirectoryPath + "/scripts/reference/" + name
        guard FileManager.default.fileExists(atPath: path) else { throw BenchError.missing("\(path) (run virt-bench through scripts/bench)") }
        return path
    }

    /// The numbers of a JSON object a reference script printed.
    static func figures(_ output: String) throws -> [String: Double] {
        guard let object = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any] else {
            throw BenchError.commandFailed("a reference script printed \(output)", 0)
        }
        return object.compactMapValues { ($0 as? NSNumber)?.doubleValue }
    }
}
