import VirtError

extension Cgroup {
    /// Freezes every task and blocks until the kernel reports the cgroup frozen (v1
    /// `freezer.state` FROZEN, v2 `frozen 1` in `cgroup.events`). Throws
    /// `.operationTimeout` after `timeout`, with the cgroup thawed again.
    public func freeze(timeout: Duration = .seconds(1)) throws(VirError) {
        let member = try member(.freezer)
        try member.backend.setFrozen(true, in: member.directory)
        do {
            try member.backend.waitUntilFrozen(in: member.directory, deadline: .now + timeout)
        } catch {
            try? member.backend.setFrozen(false, in: member.directory)  // never left half frozen
            throw error
        }
    }

    /// Lets every task run again.
    public func thaw() throws(VirError) {
        let member = try member(.freezer)
        try member.backend.setFrozen(false, in: member.directory)
    }

    /// Whether the cgroup is thawed, freezing or frozen.
    public func freezerState() throws(VirError) -> FreezerState {
        let member = try member(.freezer)
        return try member.backend.freezerState(in: member.directory)
    }
}
