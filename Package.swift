// swift-tools-version: 6.1
// SwiftVirt: a libvirt-compatible virtualization toolkit. See docs/ARCHITECTURE.md for the layering.
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]
let embedded: [SwiftSetting] = [.enableExperimentalFeature("Embedded"), .unsafeFlags(["-wmo"])]
let staticExecutable: [LinkerSetting] = [.unsafeFlags(["-static-executable"])]

let package = Package(
    name: "SwiftVirt",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "SwiftVirt", targets: ["SwiftVirt"]),
        .library(name: "VirshCommands", targets: ["VirshCommands"]),
        .executable(name: "virtsh", targets: ["virtsh"]),
        .executable(name: "virt-bench", targets: ["virt-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .target(name: "VirtError", swiftSettings: strict),
        .target(name: "CVirtShim"),
        .target(name: "VirtSystem", dependencies: ["CVirtShim", "VirtError"], swiftSettings: strict),
        .target(name: "VirtContexts", dependencies: ["VirtSystem", "VirtError"], swiftSettings: strict),
        // The keeper and the init of security contexts, and the helper that enters a
        // container: C code behind Embedded Swift entry
        // points, linked statically, so that they carry no Swift runtime and the init runs
        // behind any pivot_root.
        .target(name: "CVirtSupervisor", dependencies: ["CVirtShim"]),
        .executableTarget(name: "swiftvirt-init", dependencies: ["CVirtSupervisor"], swiftSettings: embedded, linkerSettings: staticExecutable),
        .executableTarget(name: "swiftvirt-keeper", dependencies: ["CVirtSupervisor"], swiftSettings: embedded, linkerSettings: staticExecutable),
        .executableTarget(name: "swiftvirt-enter", dependencies: ["CVirtSupervisor"], swiftSettings: embedded, linkerSettings: staticExecutable),
        .target(name: "VirtXML", dependencies: ["VirtError"], swiftSettings: strict),
        .target(name: "VirtCore", dependencies: ["VirtError", "VirtXML", "VirtSystem", .product(name: "Logging", package: "swift-log")], swiftSettings: strict),
        .target(name: "VirtDriverTest", dependencies: ["VirtCore", "VirtXML"], swiftSettings: strict),
        .target(name: "VirtDriverLXC", dependencies: ["VirtCore", "VirtXML", "VirtContexts", "VirtSystem"], swiftSettings: strict),
        .target(name: "SwiftVirt", dependencies: ["VirtCore", "VirtDriverTest", "VirtDriverLXC"], swiftSettings: strict),
        .target(name: "VirshCommands", dependencies: ["SwiftVirt", "VirtContexts"], exclude: ["JSON-SCHEMA.md"], swiftSettings: strict),
        // virtsh runs once per shell command: release builds link the Swift runtime
        // statically (--static-swift-stdlib, see scripts/demo), which saves about 1.7 ms of
        // dynamic loading per run (measured by virt-bench testdriver).
        .executableTarget(name: "virtsh", dependencies: ["VirshCommands"], swiftSettings: strict),
        .executableTarget(name: "virt-bench", dependencies: ["SwiftVirt", "VirtContexts"], swiftSettings: strict),
        .testTarget(name: "VirtXMLTests", dependencies: ["VirtXML"], resources: [.copy("Golden")], swiftSettings: strict),
        .testTarget(name: "VirtCoreTests", dependencies: ["SwiftVirt", "VirtContexts"], swiftSettings: strict),
        .testTarget(name: "VirtSystemTests", dependencies: ["VirtSystem"], swiftSettings: strict),
        // Helpers that several test targets share.
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: strict),
        .testTarget(name: "VirtContextsTests", dependencies: ["VirtContexts", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "LXCDriverTests", dependencies: ["SwiftVirt", "VirtContexts", "VirtSystem", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "VirshCommandsTests", dependencies: ["VirshCommands", "VirtContexts"], swiftSettings: strict),
        .testTarget(name: "DifferentialTests", exclude: ["Scripts", "Fixtures"], swiftSettings: strict),
    ]
)
