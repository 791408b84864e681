import Foundation

/// `virt-bench SUITE`: runs SwiftVirt and the stock reference side by side in one run and
/// prints medians and ratios. Suites: `testdriver`, `contexts`, `lxc`, `rpc`, `qemu`.
let suites: [String: () async throws -> Void] = [
    "testdriver": TestDriverBench.run,
    "contexts": ContextsBench.run,
    "lxc": LXCBench.run,
    "rpc": RPCBench.run,
    "qemu": QEMUBench.run,
]

let arguments = CommandLine.arguments.dropFirst()
guard let name = arguments.first, let suite = suites[name] else {
    FileHandle.standardError.write(Data("usage: virt-bench \(suites.keys.sorted().joined(separator: "|"))\n".utf8))
    exit(2)
}
do {
    try await suite()
} catch {
    FileHandle.standardError.write(Data("virt-bench \(name): \(error)\n".utf8))
    exit(1)
}
