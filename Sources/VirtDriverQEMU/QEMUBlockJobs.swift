import JSON
import QMP
import VirtError
import VirtXML

/// QEMU's background jobs (`snapshot-save`, `snapshot-load`, `snapshot-delete`,
/// `block-commit`) and block nodes, as the snapshot calls use them over QMP.
extension QEMUProcess {
    /// Runs job `command` to its end: starts it under a fresh job id, follows it with
    /// `query-jobs`, completes it when it is ready (an active commit), and dismisses it.
    /// The job's own error, if it failed, is the error.
    func runJob(_ command: String, _ arguments: [(String, JSONValue)]) async throws(VirError) {
        let id = "swiftvirt-\(command)-\(UInt32.random(in: 0 ... .max))"
        _ = try await monitor.execute(command, arguments: .object([("job-id", .string(id))] + arguments))
        var pause = Duration.microseconds(500)
        while true {
            let jobs = try await monitor.execute("query-jobs")
            guard let job = jobs.arrayValue?.first(where: { $0["id"]?.stringValue == id }) else {
                throw VirError(.operationFailed, "QEMU's \(command) job vanished before it was dismissed", domain: .qemu)
            }
            switch job["status"]?.stringValue {
            case "ready":
                _ = try await monitor.execute("job-complete", arguments: .object(["id": .string(id)]))
            case "concluded":
                _ = try await monitor.execute("job-dismiss", arguments: .object(["id": .string(id)]))
                if let error = job["error"]?.stringValue {
                    throw VirError(.operationFailed, "\(command) failed: \(error)", domain: .qemu)
                }
                return
            default:
                break
            }
            try? await Task.sleep(for: pause)
            pause = min(pause * 2, .milliseconds(20))
        }
    }

    /// The block node at the top of each disk's image chain, and the disk's size, by the
    /// disk's target: QEMU's `query-block`, matched on the front-end device ids.
    func topNodes(of disks: [DiskDevice]) async throws(VirError) -> [String: (node: String, size: UInt64)] {
        let blocks = try await monitor.execute("query-block").arrayValue ?? []
        var nodes: [String: (node: String, size: UInt64)] = [:]
        for disk in disks {
            let id = try disk.deviceID()
            let block = blocks.first { block in
                let qdev = block["qdev"]?.stringValue ?? ""
                return qdev == id || qdev.hasPrefix("/machine/peripheral/\(id)/")
            }
            if let inserted = block?["inserted"], let node = inserted["node-name"]?.stringValue {
                nodes[disk.target] = (node, inserted["image"]?["virtual-size"]?.uint64Value ?? 0)
            }
        }
        return nodes
    }

    /// The format node that has `path` open, from `query-named-block-nodes`.
    func formatNode(opening path: String) async throws(VirError) -> String? {
        let nodes = try await monitor.execute("query-named-block-nodes", arguments: .object(["flat": .bool(true)])).arrayValue ?? []
        return nodes.first { $0["file"]?.stringValue == path && ["qcow2", "raw"].contains($0["drv"]?.stringValue ?? "") }?["node-name"]?.stringValue
    }
}
