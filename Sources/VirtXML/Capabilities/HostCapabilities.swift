/// The host and guest capabilities document, `<capabilities>` (`virCaps`), as returned by
/// `virConnectGetCapabilities`.
public struct HostCapabilities: Sendable, Equatable {
    /// `<host><cpu>` (`virCapsHost`'s cpu).
    public struct HostCPU: Sendable, Equatable {
        /// `<arch>`
        public var arch: String
        /// `<features>` children, e.g. `pae`, `nonpae`, `vmx`.
        public var features: [String] = []
        /// Other children (`<model>`, `<vendor>`, `<topology>`, …), written after the features.
        public var extras: [XMLElement] = []
        /// `<pages unit='KiB' size=…/>`: supported page sizes in KiB.
        public var pageSizes: [UInt64] = []
        /// A CPU of architecture `arch`.
        public init(arch: String, features: [String] = [], pageSizes: [UInt64] = []) {
            self.arch = arch
            self.features = features
            self.pageSizes = pageSizes
        }
    }

    /// `<topology><cells><cell>`: one NUMA node (`virCapsHostNUMACell`).
    public struct Cell: Sendable, Equatable {
        /// `<pages unit='KiB' size=…>count</pages>`
        public struct Pages: Sendable, Equatable {
            /// Page size in KiB.
            public var sizeKiB: UInt64
            /// Number of pages.
            public var count: UInt64
            /// `count` pages of `sizeKiB`.
            public init(sizeKiB: UInt64, count: UInt64) {
                self.sizeKiB = sizeKiB
                self.count = count
            }
        }

        /// `<sibling id=… value=…/>`: the distance to another node.
        public struct Distance: Sendable, Equatable {
            /// `id` of the other node.
            public var id: UInt32
            /// `value`
            public var value: UInt32
            /// A distance of `value` to node `id`.
            public init(id: UInt32, value: UInt32) {
                self.id = id
                self.value = value
            }
        }

        /// `<cpus><cpu id=… socket_id=… die_id=… core_id=… siblings=…/>`
        public struct CPU: Sendable, Equatable {
            /// `id`
            public var id: UInt32
            /// `socket_id`
            public var socketID: UInt32
            /// `die_id`
            public var dieID: UInt32
            /// `core_id`
            public var coreID: UInt32
            /// `siblings`, in range syntax.
            public var siblings: String
            /// A host CPU.
            public init(id: UInt32, socketID: UInt32, dieID: UInt32 = 0, coreID: UInt32, siblings: String) {
                self.id = id
                self.socketID = socketID
                self.dieID = dieID
                self.coreID = coreID
                self.siblings = siblings
            }
        }

        /// `id`
        public var id: UInt32
        /// `<memory unit='KiB'>`
        public var memoryKiB: UInt64
        /// `<pages>` entries.
        public var pages: [Pages] = []
        /// `<distances><sibling id=… value=…/>`.
        public var distances: [Distance] = []
        /// `<cpus>`
        public var cpus: [CPU] = []

        /// A NUMA node.
        public init(id: UInt32, memoryKiB: UInt64, pages: [Pages] = [], cpus: [CPU] = []) {
            self.id = id
            self.memoryKiB = memoryKiB
            self.pages = pages
            self.cpus = cpus
        }
    }

    /// `<secmodel>`: a security driver on the host (`virCapsHostSecModel`).
    public struct SecurityModel: Sendable, Equatable {
        /// `<baselabel type=…>label</baselabel>`
        public struct BaseLabel: Sendable, Equatable {
            /// `type`: the domain type.
            public var type: String
            /// The label.
            public var label: String
            /// A base label for domains of `type`.
            public init(type: String, label: String) {
                self.type = type
                self.label = label
            }
        }

        /// `<model>`
        public var model: String
        /// `<doi>`
        public var doi: String
        /// `<baselabel type=…>label</baselabel>`, by domain type.
        public var baseLabels: [BaseLabel] = []
        /// A security model.
        public init(model: String, doi: String = "") {
            self.model = model
            self.doi = doi
        }
    }

    /// `<guest>`: one guest OS type and architecture the host can run (`virCapsGuest`).
    public struct Guest: Sendable, Equatable {
        /// `<domain type=…>` inside `<arch>` (`virCapsGuestDomain`).
        public struct Domain: Sendable, Equatable {
            /// `type`, e.g. `test`, `kvm`.
            public var type: String
            /// A per-domain-type `<emulator>`.
            public var emulator: String? = nil
            /// Per-domain-type `<machine>` names.
            public var machines: [String] = []
            /// A domain type.
            public init(type: String) { self.type = type }
        }

        /// `<features>` child: `<name/>` or `<name default='on' toggle='yes'/>`.
        public struct Feature: Sendable, Equatable {
            /// The element name, e.g. `pae`, `acpi`, `disksnapshot`.
            public var name: String
            /// `default` (`on`/`off`).
            public var defaultOn: Bool? = nil
            /// `toggle` (`yes`/`no`).
            public var toggle: Bool? = nil
            /// A feature.
            public init(_ name: String, defaultOn: Bool? = nil, toggle: Bool? = nil) {
                self.name = name
                self.defaultOn = defaultOn
                self.toggle = toggle
            }
        }

        /// `<os_type>`: `hvm`, `xen`, `exe`.
        public var osType: String
        /// `<arch name=…>`
        public var arch: String
        /// `<wordsize>`
        public var wordSize: UInt32
        /// `<emulator>`
        public var emulator: String? = nil
        /// `<loader>`
        public var loader: String? = nil
        /// `<machine>` names.
        public var machines: [String] = []
        /// `<domain>` types.
        public var domains: [Domain] = []
        /// `<features>`
        public var features: [Feature] = []
        /// A guest of `osType` on `arch`.
        public init(osType: String, arch: String, wordSize: UInt32) {
            self.osType = osType
            self.arch = arch
            self.wordSize = wordSize
        }
    }

    /// `<host><uuid>`
    public var hostUUID: DomainUUID? = nil
    /// `<host><cpu>`
    public var cpu: HostCPU
    /// `<power_management>` children, e.g. `suspend_mem`.
    public var powerManagement: [String] = []
    /// `<iommu support=…>`
    public var iommu: Bool? = nil
    /// `<topology><cells>`
    public var cells: [Cell] = []
    /// `<secmodel>` entries.
    public var securityModels: [SecurityModel] = []
    /// `<guest>` entries.
    public var guests: [Guest] = []

    /// Capabilities of a host with `cpu`.
    public init(cpu: HostCPU) {
        self.cpu = cpu
    }
}
