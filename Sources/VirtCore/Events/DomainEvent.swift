import VirtXML

/// The kind of a lifecycle event. Corresponds to `virDomainEventType`.
public enum DomainEventType: Int32, Sendable, CaseIterable {
    /// `VIR_DOMAIN_EVENT_DEFINED`
    case defined = 0
    /// `VIR_DOMAIN_EVENT_UNDEFINED`
    case undefined = 1
    /// `VIR_DOMAIN_EVENT_STARTED`
    case started = 2
    /// `VIR_DOMAIN_EVENT_SUSPENDED`
    case suspended = 3
    /// `VIR_DOMAIN_EVENT_RESUMED`
    case resumed = 4
    /// `VIR_DOMAIN_EVENT_STOPPED`
    case stopped = 5
    /// `VIR_DOMAIN_EVENT_SHUTDOWN`
    case shutdown = 6
    /// `VIR_DOMAIN_EVENT_PMSUSPENDED`
    case pmSuspended = 7
    /// `VIR_DOMAIN_EVENT_CRASHED`
    case crashed = 8
}

/// A lifecycle event's detail (`virDomainEvent*DetailType`); numbering depends on the type.
public struct DomainEventDetail: RawRepresentable, Hashable, Sendable {
    /// The numeric detail.
    public var rawValue: Int32
    /// Wraps a numeric detail.
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// `VIR_DOMAIN_EVENT_DEFINED_ADDED`
    public static let definedAdded = Self(rawValue: 0)
    /// `VIR_DOMAIN_EVENT_DEFINED_UPDATED`
    public static let definedUpdated = Self(rawValue: 1)
    /// `VIR_DOMAIN_EVENT_DEFINED_FROM_SNAPSHOT`
    public static let definedFromSnapshot = Self(rawValue: 3)
    /// `VIR_DOMAIN_EVENT_UNDEFINED_REMOVED`
    public static let undefinedRemoved = Self(rawValue: 0)
    /// `VIR_DOMAIN_EVENT_STARTED_BOOTED`
    public static let startedBooted = Self(rawValue: 0)
    /// `VIR_DOMAIN_EVENT_STARTED_RESTORED`
    public static let startedRestored = Self(rawValue: 2)
    /// `VIR_DOMAIN_EVENT_STARTED_FROM_SNAPSHOT`
    public static let startedFromSnapshot = Self(rawValue: 3)
    /// `VIR_DOMAIN_EVENT_SUSPENDED_PAUSED`
    public static let suspendedPaused = Self(rawValue: 0)
    /// `VIR_DOMAIN_EVENT_SUSPENDED_FROM_SNAPSHOT`
    public static let suspendedFromSnapshot = Self(rawValue: 5)
    /// `VIR_DOMAIN_EVENT_RESUMED_UNPAUSED`
    public static let resumedUnpaused = Self(rawValue: 0)
    /// `VIR_DOMAIN_EVENT_RESUMED_FROM_SNAPSHOT`
    public static let resumedFromSnapshot = Self(rawValue: 2)
    /// `VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN`
    public static let stoppedShutdown = Self(rawValue: 0)
    /// `VIR_DOMAIN_EVENT_STOPPED_DESTROYED`
    public static let stoppedDestroyed = Self(rawValue: 1)
    /// `VIR_DOMAIN_EVENT_STOPPED_CRASHED`
    public static let stoppedCrashed = Self(rawValue: 2)
    /// `VIR_DOMAIN_EVENT_STOPPED_SAVED`
    public static let stoppedSaved = Self(rawValue: 4)
    /// `VIR_DOMAIN_EVENT_STOPPED_FAILED`
    public static let stoppedFailed = Self(rawValue: 5)
    /// `VIR_DOMAIN_EVENT_STOPPED_FROM_SNAPSHOT`
    public static let stoppedFromSnapshot = Self(rawValue: 6)
    /// `VIR_DOMAIN_EVENT_SHUTDOWN_FINISHED`
    public static let shutdownFinished = Self(rawValue: 0)
    /// `VIR_DOMAIN_EVENT_CRASHED_PANICKED`
    public static let crashedPanicked = Self(rawValue: 0)
}

/// A lifecycle event as a driver emits it: which domain, what happened, and why.
/// Corresponds to the arguments of `virConnectDomainEventCallback`.
public struct DomainEvent: Sendable, Equatable {
    /// The domain, as it was when the event happened.
    public var domain: DomainIdentity
    /// What happened.
    public var type: DomainEventType
    /// Why, numbered per type.
    public var detail: DomainEventDetail

    /// Builds an event.
    public init(domain: DomainIdentity, type: DomainEventType, detail: DomainEventDetail) {
        self.domain = domain
        self.type = type
        self.detail = detail
    }
}

/// A domain's identity as libvirt's `virDomainPtr` carries it: name, UUID and id (-1 when
/// inactive).
public struct DomainIdentity: Sendable, Hashable {
    /// The name.
    public var name: String
    /// The UUID.
    public var uuid: DomainUUID
    /// The id while running, -1 otherwise.
    public var id: Int32

    /// Builds an identity.
    public init(name: String, uuid: DomainUUID, id: Int32) {
        self.name = name
        self.uuid = uuid
        self.id = id
    }
}
