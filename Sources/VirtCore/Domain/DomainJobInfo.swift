/// What a domain's current background job (a save, a dump, a migration) has done so far.
/// Corresponds to `virDomainJobInfo`; sizes in bytes, times in milliseconds.
public struct DomainJobInfo: Sendable, Equatable {
    /// `virDomainJobType`.
    public enum JobType: Int32, Sendable {
        /// `VIR_DOMAIN_JOB_NONE`: no job.
        case none = 0
        /// `VIR_DOMAIN_JOB_BOUNDED`: a job with a known end.
        case bounded = 1
        /// `VIR_DOMAIN_JOB_UNBOUNDED`: a job whose end is not known ahead.
        case unbounded = 2
        /// `VIR_DOMAIN_JOB_COMPLETED`
        case completed = 3
        /// `VIR_DOMAIN_JOB_FAILED`
        case failed = 4
        /// `VIR_DOMAIN_JOB_CANCELLED`
        case cancelled = 5
    }

    /// The kind of job; `.none` when there is none.
    public var type: JobType = .none
    /// Time since the job started.
    public var timeElapsed: UInt64 = 0
    /// Data to move, moved so far and left (`dataTotal` = processed + remaining).
    public var dataTotal: UInt64 = 0, dataProcessed: UInt64 = 0, dataRemaining: UInt64 = 0
    /// The guest memory part of the data.
    public var memoryTotal: UInt64 = 0, memoryProcessed: UInt64 = 0, memoryRemaining: UInt64 = 0

    /// No job.
    public init() {}

    /// An unbounded job `elapsed` ms old, that has moved `processed` of `total` bytes of memory.
    public init(elapsed: UInt64, memoryProcessed: UInt64, memoryRemaining: UInt64, memoryTotal: UInt64) {
        type = .unbounded
        timeElapsed = elapsed
        (self.memoryProcessed, self.memoryRemaining, self.memoryTotal) = (memoryProcessed, memoryRemaining, memoryTotal)
        (dataProcessed, dataRemaining, dataTotal) = (memoryProcessed, memoryRemaining, memoryTotal)
    }

    /// How far along it is, 0 to 100, as virsh's progress shows it (`remaining` of `total`).
    public var percentDone: Int {
        guard dataTotal > 0 else { return 0 }
        return Int((dataTotal - min(dataRemaining, dataTotal)) * 100 / dataTotal)
    }
}
