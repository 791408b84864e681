/// A domain's state. Corresponds to `virDomainState`.
public enum DomainState: Int32, Sendable, CaseIterable {
    /// `VIR_DOMAIN_NOSTATE`
    case noState = 0
    /// `VIR_DOMAIN_RUNNING`
    case running = 1
    /// `VIR_DOMAIN_BLOCKED`
    case blocked = 2
    /// `VIR_DOMAIN_PAUSED`
    case paused = 3
    /// `VIR_DOMAIN_SHUTDOWN`: being shut down.
    case shutdown = 4
    /// `VIR_DOMAIN_SHUTOFF`
    case shutoff = 5
    /// `VIR_DOMAIN_CRASHED`
    case crashed = 6
    /// `VIR_DOMAIN_PMSUSPENDED`
    case pmSuspended = 7
}

/// Why a domain is in its state: the `reason` of `virDomainGetState`. Its numbering
/// depends on the state (`virDomainRunningReason`, `virDomainPausedReason`, …).
public struct DomainStateReason: RawRepresentable, Hashable, Sendable {
    /// The numeric reason.
    public var rawValue: Int32
    /// Wraps a numeric reason.
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// `VIR_DOMAIN_*_UNKNOWN`
    public static let unknown = Self(rawValue: 0)
    /// `VIR_DOMAIN_RUNNING_BOOTED`
    public static let runningBooted = Self(rawValue: 1)
    /// `VIR_DOMAIN_RUNNING_MIGRATED`
    public static let runningMigrated = Self(rawValue: 2)
    /// `VIR_DOMAIN_RUNNING_RESTORED`
    public static let runningRestored = Self(rawValue: 3)
    /// `VIR_DOMAIN_RUNNING_FROM_SNAPSHOT`
    public static let runningFromSnapshot = Self(rawValue: 4)
    /// `VIR_DOMAIN_RUNNING_UNPAUSED`
    public static let runningUnpaused = Self(rawValue: 5)
    /// `VIR_DOMAIN_RUNNING_CRASHED`: running again after a guest crash.
    public static let runningCrashed = Self(rawValue: 9)
    /// `VIR_DOMAIN_PAUSED_USER`
    public static let pausedUser = Self(rawValue: 1)
    /// `VIR_DOMAIN_PAUSED_UNKNOWN`: paused for a reason nobody told.
    public static let pausedUnknown = Self(rawValue: 0)
    /// `VIR_DOMAIN_PAUSED_SHUTTING_DOWN`: paused while the guest shuts down.
    public static let pausedShuttingDown = Self(rawValue: 8)
    /// `VIR_DOMAIN_PAUSED_SNAPSHOT`: paused while a snapshot is taken.
    public static let pausedSnapshot = Self(rawValue: 9)
    /// `VIR_DOMAIN_PAUSED_SAVE`
    public static let pausedSave = Self(rawValue: 3)
    /// `VIR_DOMAIN_PAUSED_DUMP`: paused while its core is dumped.
    public static let pausedDump = Self(rawValue: 4)
    /// `VIR_DOMAIN_PAUSED_FROM_SNAPSHOT`
    public static let pausedFromSnapshot = Self(rawValue: 7)
    /// `VIR_DOMAIN_PAUSED_CRASHED`
    public static let pausedCrashed = Self(rawValue: 10)
    /// `VIR_DOMAIN_SHUTDOWN_USER`
    public static let shutdownUser = Self(rawValue: 1)
    /// `VIR_DOMAIN_SHUTOFF_SHUTDOWN`
    public static let shutoffShutdown = Self(rawValue: 1)
    /// `VIR_DOMAIN_SHUTOFF_DESTROYED`
    public static let shutoffDestroyed = Self(rawValue: 2)
    /// `VIR_DOMAIN_SHUTOFF_CRASHED`
    public static let shutoffCrashed = Self(rawValue: 3)
    /// `VIR_DOMAIN_SHUTOFF_SAVED`
    public static let shutoffSaved = Self(rawValue: 5)
    /// `VIR_DOMAIN_SHUTOFF_FAILED`
    public static let shutoffFailed = Self(rawValue: 6)
    /// `VIR_DOMAIN_SHUTOFF_FROM_SNAPSHOT`
    public static let shutoffFromSnapshot = Self(rawValue: 7)
    /// `VIR_DOMAIN_CRASHED_PANICKED`
    public static let crashedPanicked = Self(rawValue: 1)
}
