#if canImport(Glibc)
import JSON
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SwiftVirt

/// What the snapshot commands show about a snapshot, read from its XML.
struct SnapshotSummary {
    /// The snapshot.
    let snapshot: DomainSnapshot
    /// `<state>`: `running`, `paused`, `shutoff`, `disk-snapshot`, …
    let state: String
    /// `<creationTime>` in seconds since the epoch.
    let creationTime: Int64?
    /// `<parent><name>`, if any.
    let parent: String?
    /// `internal` or `external`.
    let location: String

    /// Reads `snapshot`'s XML.
    init(_ snapshot: DomainSnapshot) async throws {
        self.snapshot = snapshot
        let root = try XMLParser.parse(try await snapshot.xmlDescription(), errorDomain: .domainSnapshot).root
        state = root.child("state")?.text ?? ""
        creationTime = root.child("creationTime").flatMap { Int64($0.text) }
        parent = root.child("parent")?.child("name")?.text
        let disks = root.child("disks")?.elements ?? []
        let external = state == "disk-snapshot" || root.child("memory")?.attribute("snapshot") == "external"
            || disks.contains { $0.attribute("snapshot") == "external" }
        location = external ? "external" : "internal"
    }

    /// The name.
    var name: String { snapshot.name }

    /// The creation time as virsh prints it: `YYYY-MM-DD HH:MM:SS +ZZZZ` in local time.
    var creationText: String {
        guard var seconds = creationTime.map({ time_t($0) }) else { return "" }
        var parts = tm()
        localtime_r(&seconds, &parts)
        var buffer = [CChar](repeating: 0, count: 64)
        let length = strftime(&buffer, buffer.count, "%Y-%m-%d %H:%M:%S %z", &parts)
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The JSON object of `snapshot-list`.
    var json: JSONValue {
        .object([
            ("name", .string(name)),
            ("creationTime", creationTime.map { .int($0) } ?? .null),
            ("state", .string(state)),
            ("parent", .optional(parent)),
            ("location", .string(location)),
        ])
    }
}

extension CommandContext {
    /// The snapshot named by `--snapshotname`, or the current one with `--current`
    /// (the two are exclusive); fails with `--snapshotname or --current is required`.
    func snapshot(of domain: Domain) async throws(VirshError) -> DomainSnapshot {
        let name = try string("snapshotname")
        if name != nil && flag("current") {
            throw VirshError("--snapshotname and --current are mutually exclusive")
        }
        return try await VirshError.context(nil) {
            if let name { return try await domain.snapshot(named: name) }
            guard self.flag("current") else { throw VirshError("--snapshotname or --current is required") }
            return try await domain.currentSnapshot()
        }
    }
}

/// The JSON reply of commands that act on a snapshot.
enum SnapshotReport {
    /// `{"domain": …, "name": …, "action": …}`
    static func json(_ snapshot: DomainSnapshot, action: String) -> JSONValue {
        .object([("domain", .string(snapshot.domain.name)), ("name", .string(snapshot.name)), ("action", .string(action))])
    }
}
