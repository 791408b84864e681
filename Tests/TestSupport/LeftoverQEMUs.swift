import Foundation
import Glibc

/// Ends the QEMUs a QEMU driver on `root` left running (they outlive their driver by
/// design): the pids its run files record, each checked first to be a QEMU writing its log
/// under `root`, killed and waited for (up to 5 s).
public func endQEMUs(underRoot root: String) {
    let run = root + "/run"
    var ended: [Int32] = []
    for file in (try? FileManager.default.contentsOfDirectory(atPath: run)) ?? [] where file.hasSuffix(".json") {
        guard let data = FileManager.default.contents(atPath: run + "/" + file),
              let status = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let pid = (status["pid"] as? NSNumber)?.int32Value,
              let log = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/1"), log.hasPrefix(root) else { continue }
        kill(pid, SIGKILL)
        ended.append(pid)
    }
    for pid in ended {
        for _ in 0..<500 where FileManager.default.fileExists(atPath: "/proc/\(pid)/fd") { usleep(10_000) }
    }
}
