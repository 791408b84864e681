import Foundation
import Testing

/// A name for a link of a test's own: `prefix` and random hex, 15 bytes at most.
public func testLinkName(_ prefix: String) -> String {
    prefix + String(UUID().uuidString.lowercased().filter(\.isHexDigit).prefix(15 - prefix.count))
}

/// Whether the host has a network interface `name`.
public func hostHasLink(_ name: String) -> Bool {
    FileManager.default.fileExists(atPath: "/sys/class/net/\(name)")
}

/// A bridge of the test's own in the host's network namespace, without addresses, so that
/// nothing of the host takes part in its traffic; deleted afterwards.
public final class TestBridge {
    /// Its name.
    public let name = testLinkName("svtbr")

    /// Makes the bridge, up.
    public init() throws {
        try #require(try runTool(["/usr/sbin/ip", "link", "add", name, "type", "bridge"]).status == 0)
        try #require(try runTool(["/usr/sbin/ip", "link", "set", name, "up"]).status == 0)
    }

    deinit { _ = try? runTool(["/usr/sbin/ip", "link", "del", name]) }
}
