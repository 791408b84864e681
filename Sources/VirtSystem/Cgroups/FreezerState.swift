/// The freezer state of a cgroup (v1 `freezer.state`; v2 `cgroup.freeze` and `cgroup.events`).
public enum FreezerState: String, Sendable, Hashable {
    /// Tasks run.
    case thawed = "THAWED"
    /// Freezing was asked for and is not complete yet.
    case freezing = "FREEZING"
    /// Every task is frozen.
    case frozen = "FROZEN"
}
