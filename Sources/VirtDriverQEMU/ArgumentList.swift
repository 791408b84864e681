import VirtError

/// The arguments as they are added, and what the device builders need to know.
struct ArgumentList {
    let machine: QEMUMachine
    let capabilities: QEMUCapabilities
    private(set) var arguments: [String] = []

    init(machine: QEMUMachine, capabilities: QEMUCapabilities) {
        self.machine = machine
        self.capabilities = capabilities
    }

    mutating func append(_ words: String...) { arguments += words }

    /// `-device TYPE,OPTIONS`, if the binary has `TYPE`.
    mutating func device(_ type: String, _ options: String) throws(VirError) {
        guard capabilities.has(type) else { throw QEMUCommandLine.unsupported("device '\(type)' is not available in \(capabilities.emulator)") }
        arguments += ["-device", options.isEmpty ? type : "\(type),\(options)"]
    }
}
