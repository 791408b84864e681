#if canImport(Glibc)
import Glibc
#endif
import VirtError

extension Cgroup {
    /// Removes the cgroup, and any child cgroups below it, from every hierarchy; children go
    /// first. A directory the kernel still reports busy (its last tasks are exiting) is
    /// retried until `timeout`. Directories that are already gone are not an error.
    public func remove(timeout: Duration = .milliseconds(500)) throws(VirError) {
        let deadline = ContinuousClock.now + timeout
        for member in members {
            try Self.removeTree(member.directory, deadline: deadline)
        }
    }

    private static func removeTree(_ directory: String, deadline: ContinuousClock.Instant) throws(VirError) {
        // Most cgroups have no children and no tasks left: one rmdir, no listing.
        if CgroupFile.removeDirectory(directory) { return }
        for child in try CgroupFile.subdirectories(of: directory) {
            try removeTree(directory + "/" + child, deadline: deadline)
        }
        var lastError: VirError?
        do {
            try CgroupPoll.until(deadline, timeoutMessage: "cgroup '\(directory)' is still busy") { () throws(VirError) in
                if CgroupFile.removeDirectory(directory) { return true }
                let error = CgroupFile.failure("cannot remove cgroup '\(directory)'")
                guard error.int1 == EBUSY else { throw error }
                lastError = error
                return false
            }
        } catch {
            throw error.code == .operationTimeout ? lastError ?? error : error
        }
    }
}
