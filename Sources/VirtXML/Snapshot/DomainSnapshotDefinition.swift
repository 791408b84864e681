/// A domain snapshot's definition: the typed view of `<domainsnapshot>` (`virDomainSnapshotDef`).
public struct DomainSnapshotDefinition: Sendable, Equatable {
    /// The domain state the snapshot captured (`virDomainSnapshotState`).
    public enum State: String, Sendable, CaseIterable {
        /// `nostate`
        case noState = "nostate"
        /// `running`
        case running
        /// `blocked`
        case blocked
        /// `paused`
        case paused
        /// `shutdown`
        case shutdown
        /// `shutoff`
        case shutoff
        /// `crashed`
        case crashed
        /// `pmsuspended`
        case pmSuspended = "pmsuspended"
        /// `disk-snapshot`: disks only, no memory state.
        case diskSnapshot = "disk-snapshot"
    }

    /// Where memory or a disk is saved (`virDomainSnapshotLocation`; absent means `default`).
    public enum Location: String, Sendable, CaseIterable {
        /// `no`: not saved.
        case no
        /// `internal`: inside the disk image.
        case `internal`
        /// `external`: in a separate file.
        case external
        /// `manual`: left to the user.
        case manual
    }

    /// `<disks><disk>`: how one disk is snapshotted (`virDomainSnapshotDiskDef`).
    public struct Disk: Sendable, Equatable {
        /// `name`: the disk's target (e.g. `vda`) or source path.
        public var name: String
        /// `snapshot`
        public var snapshot: Location? = nil
        /// `type` of the external image (`file`, `block`, `network`); `file` when a source or driver is given.
        public var sourceType: String = "file"
        /// `<driver type=…>`: the image format, e.g. `qcow2`.
        public var driverType: String? = nil
        /// `<source file=…>` (or `dev` for block): the external image.
        public var source: String? = nil
        /// A disk entry for `name`.
        public init(name: String, snapshot: Location? = nil, driverType: String? = nil, source: String? = nil) {
            self.name = name
            self.snapshot = snapshot
            self.driverType = driverType
            self.source = source
        }
    }

    /// `<name>`; the driver picks one (the creation time) when absent.
    public var name: String?
    /// `<description>`
    public var description: String? = nil
    /// `<state>`
    public var state: State? = nil
    /// `<parent><name>`
    public var parent: String? = nil
    /// `<creationTime>`, seconds since the epoch.
    public var creationTime: Int64? = nil
    /// `<memory snapshot=…>`
    public var memory: Location? = nil
    /// `<memory file=…>`
    public var memoryFile: String? = nil
    /// `<disks>`
    public var disks: [Disk] = []
    /// The embedded `<domain>`: the definition at snapshot time.
    public var domain: DomainDefinition? = nil
    /// `<inactiveDomain>`: the persistent definition of a running domain at snapshot time.
    public var inactiveDomain: DomainDefinition? = nil

    /// A snapshot called `name`.
    public init(name: String? = nil) {
        self.name = name
    }
}

/// How `DomainSnapshotDefinition.format` writes the document (`VIR_DOMAIN_SNAPSHOT_FORMAT_*`).
public struct SnapshotFormatOptions: Sendable, Equatable {
    /// `VIR_DOMAIN_SNAPSHOT_XML_SECURE`: include secrets of the embedded domain.
    public var secure = false
    /// Whether to write the embedded `<domain>`; when `false` and `domainUUID` is set,
    /// libvirt's short form `<domain><uuid>…</uuid></domain>` is written instead.
    public var includeDomain = true
    /// The owning domain's UUID for the short form.
    public var domainUUID: DomainUUID? = nil
    /// `VIR_DOMAIN_SNAPSHOT_FORMAT_INTERNAL`: write `<active>1</active>` or `<active>0</active>`
    /// (whether this is the current snapshot), as libvirt's on-disk metadata does.
    public var active: Bool? = nil

    /// The public form, no secrets.
    public init(secure: Bool = false, includeDomain: Bool = true, domainUUID: DomainUUID? = nil, active: Bool? = nil) {
        self.secure = secure
        self.includeDomain = includeDomain
        self.domainUUID = domainUUID
        self.active = active
    }
}
