/// A libvirt error number (`virErrorNumber`).
///
/// An open set: numbers that SwiftVirt does not name (for example ones sent by a newer
/// libvirtd) survive a round trip unchanged.
public struct ErrorCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The numeric `VIR_ERR_*` value.
    public var rawValue: Int32
    /// Wraps a numeric `VIR_ERR_*` value.
    public init(rawValue: Int32) { self.rawValue = rawValue }
    /// The number, as libvirt prints it.
    public var description: String { "\(rawValue)" }

    /// `VIR_ERR_OK`
    public static let ok = Self(rawValue: 0)
    /// `VIR_ERR_INTERNAL_ERROR`
    public static let internalError = Self(rawValue: 1)
    /// `VIR_ERR_NO_MEMORY`
    public static let noMemory = Self(rawValue: 2)
    /// `VIR_ERR_NO_SUPPORT`
    public static let noSupport = Self(rawValue: 3)
    /// `VIR_ERR_UNKNOWN_HOST`
    public static let unknownHost = Self(rawValue: 4)
    /// `VIR_ERR_NO_CONNECT`
    public static let noConnect = Self(rawValue: 5)
    /// `VIR_ERR_INVALID_CONN`
    public static let invalidConn = Self(rawValue: 6)
    /// `VIR_ERR_INVALID_DOMAIN`
    public static let invalidDomain = Self(rawValue: 7)
    /// `VIR_ERR_INVALID_ARG`
    public static let invalidArg = Self(rawValue: 8)
    /// `VIR_ERR_OPERATION_FAILED`
    public static let operationFailed = Self(rawValue: 9)
    /// `VIR_ERR_GET_FAILED`
    public static let getFailed = Self(rawValue: 10)
    /// `VIR_ERR_POST_FAILED`
    public static let postFailed = Self(rawValue: 11)
    /// `VIR_ERR_HTTP_ERROR`
    public static let httpError = Self(rawValue: 12)
    /// `VIR_ERR_SEXPR_SERIAL`
    public static let sexprSerial = Self(rawValue: 13)
    /// `VIR_ERR_NO_XEN`
    public static let noXen = Self(rawValue: 14)
    /// `VIR_ERR_XEN_CALL`
    public static let xenCall = Self(rawValue: 15)
    /// `VIR_ERR_OS_TYPE`
    public static let osType = Self(rawValue: 16)
    /// `VIR_ERR_NO_KERNEL`
    public static let noKernel = Self(rawValue: 17)
    /// `VIR_ERR_NO_ROOT`
    public static let noRoot = Self(rawValue: 18)
    /// `VIR_ERR_NO_SOURCE`
    public static let noSource = Self(rawValue: 19)
    /// `VIR_ERR_NO_TARGET`
    public static let noTarget = Self(rawValue: 20)
    /// `VIR_ERR_NO_NAME`
    public static let noName = Self(rawValue: 21)
    /// `VIR_ERR_NO_OS`
    public static let noOs = Self(rawValue: 22)
    /// `VIR_ERR_NO_DEVICE`
    public static let noDevice = Self(rawValue: 23)
    /// `VIR_ERR_NO_XENSTORE`
    public static let noXenstore = Self(rawValue: 24)
    /// `VIR_ERR_DRIVER_FULL`
    public static let driverFull = Self(rawValue: 25)
    /// `VIR_ERR_CALL_FAILED`
    public static let callFailed = Self(rawValue: 26)
    /// `VIR_ERR_XML_ERROR`
    public static let xmlError = Self(rawValue: 27)
    /// `VIR_ERR_DOM_EXIST`
    public static let domExist = Self(rawValue: 28)
    /// `VIR_ERR_OPERATION_DENIED`
    public static let operationDenied = Self(rawValue: 29)
    /// `VIR_ERR_OPEN_FAILED`
    public static let openFailed = Self(rawValue: 30)
    /// `VIR_ERR_READ_FAILED`
    public static let readFailed = Self(rawValue: 31)
    /// `VIR_ERR_PARSE_FAILED`
    public static let parseFailed = Self(rawValue: 32)
    /// `VIR_ERR_CONF_SYNTAX`
    public static let confSyntax = Self(rawValue: 33)
    /// `VIR_ERR_WRITE_FAILED`
    public static let writeFailed = Self(rawValue: 34)
    /// `VIR_ERR_XML_DETAIL`
    public static let xmlDetail = Self(rawValue: 35)
    /// `VIR_ERR_INVALID_NETWORK`
    public static let invalidNetwork = Self(rawValue: 36)
    /// `VIR_ERR_NETWORK_EXIST`
    public static let networkExist = Self(rawValue: 37)
    /// `VIR_ERR_SYSTEM_ERROR`
    public static let systemError = Self(rawValue: 38)
    /// `VIR_ERR_RPC`
    public static let rpc = Self(rawValue: 39)
    /// `VIR_ERR_GNUTLS_ERROR`
    public static let gnutlsError = Self(rawValue: 40)
    /// `VIR_ERR_NO_DOMAIN`
    public static let noDomain = Self(rawValue: 42)
    /// `VIR_ERR_NO_NETWORK`
    public static let noNetwork = Self(rawValue: 43)
    /// `VIR_ERR_INVALID_MAC`
    public static let invalidMac = Self(rawValue: 44)
    /// `VIR_ERR_AUTH_FAILED`
    public static let authFailed = Self(rawValue: 45)
    /// `VIR_ERR_INVALID_STORAGE_POOL`
    public static let invalidStoragePool = Self(rawValue: 46)
    /// `VIR_ERR_INVALID_STORAGE_VOL`
    public static let invalidStorageVol = Self(rawValue: 47)
    /// `VIR_ERR_NO_STORAGE_POOL`
    public static let noStoragePool = Self(rawValue: 49)
    /// `VIR_ERR_NO_STORAGE_VOL`
    public static let noStorageVol = Self(rawValue: 50)
    /// `VIR_ERR_INVALID_NODE_DEVICE`
    public static let invalidNodeDevice = Self(rawValue: 52)
    /// `VIR_ERR_NO_NODE_DEVICE`
    public static let noNodeDevice = Self(rawValue: 53)
    /// `VIR_ERR_NO_SECURITY_MODEL`
    public static let noSecurityModel = Self(rawValue: 54)
    /// `VIR_ERR_OPERATION_INVALID`
    public static let operationInvalid = Self(rawValue: 55)
    /// `VIR_ERR_NO_INTERFACE`
    public static let noInterface = Self(rawValue: 57)
    /// `VIR_ERR_INVALID_INTERFACE`
    public static let invalidInterface = Self(rawValue: 58)
    /// `VIR_ERR_MULTIPLE_INTERFACES`
    public static let multipleInterfaces = Self(rawValue: 59)
    /// `VIR_ERR_INVALID_NWFILTER`
    public static let invalidNwfilter = Self(rawValue: 61)
    /// `VIR_ERR_NO_NWFILTER`
    public static let noNwfilter = Self(rawValue: 62)
    /// `VIR_ERR_BUILD_FIREWALL`
    public static let buildFirewall = Self(rawValue: 63)
    /// `VIR_ERR_INVALID_SECRET`
    public static let invalidSecret = Self(rawValue: 65)
    /// `VIR_ERR_NO_SECRET`
    public static let noSecret = Self(rawValue: 66)
    /// `VIR_ERR_CONFIG_UNSUPPORTED`
    public static let configUnsupported = Self(rawValue: 67)
    /// `VIR_ERR_OPERATION_TIMEOUT`
    public static let operationTimeout = Self(rawValue: 68)
    /// `VIR_ERR_MIGRATE_PERSIST_FAILED`
    public static let migratePersistFailed = Self(rawValue: 69)
    /// `VIR_ERR_HOOK_SCRIPT_FAILED`
    public static let hookScriptFailed = Self(rawValue: 70)
    /// `VIR_ERR_INVALID_DOMAIN_SNAPSHOT`
    public static let invalidDomainSnapshot = Self(rawValue: 71)
    /// `VIR_ERR_NO_DOMAIN_SNAPSHOT`
    public static let noDomainSnapshot = Self(rawValue: 72)
    /// `VIR_ERR_INVALID_STREAM`
    public static let invalidStream = Self(rawValue: 73)
    /// `VIR_ERR_ARGUMENT_UNSUPPORTED`
    public static let argumentUnsupported = Self(rawValue: 74)
    /// `VIR_ERR_STORAGE_PROBE_FAILED`
    public static let storageProbeFailed = Self(rawValue: 75)
    /// `VIR_ERR_STORAGE_POOL_BUILT`
    public static let storagePoolBuilt = Self(rawValue: 76)
    /// `VIR_ERR_SNAPSHOT_REVERT_RISKY`
    public static let snapshotRevertRisky = Self(rawValue: 77)
    /// `VIR_ERR_OPERATION_ABORTED`
    public static let operationAborted = Self(rawValue: 78)
    /// `VIR_ERR_AUTH_CANCELLED`
    public static let authCancelled = Self(rawValue: 79)
    /// `VIR_ERR_NO_DOMAIN_METADATA`
    public static let noDomainMetadata = Self(rawValue: 80)
    /// `VIR_ERR_MIGRATE_UNSAFE`
    public static let migrateUnsafe = Self(rawValue: 81)
    /// `VIR_ERR_OVERFLOW`
    public static let overflow = Self(rawValue: 82)
    /// `VIR_ERR_BLOCK_COPY_ACTIVE`
    public static let blockCopyActive = Self(rawValue: 83)
    /// `VIR_ERR_OPERATION_UNSUPPORTED`
    public static let operationUnsupported = Self(rawValue: 84)
    /// `VIR_ERR_SSH`
    public static let ssh = Self(rawValue: 85)
    /// `VIR_ERR_AGENT_UNRESPONSIVE`
    public static let agentUnresponsive = Self(rawValue: 86)
    /// `VIR_ERR_RESOURCE_BUSY`
    public static let resourceBusy = Self(rawValue: 87)
    /// `VIR_ERR_ACCESS_DENIED`
    public static let accessDenied = Self(rawValue: 88)
    /// `VIR_ERR_DBUS_SERVICE`
    public static let dbusService = Self(rawValue: 89)
    /// `VIR_ERR_STORAGE_VOL_EXIST`
    public static let storageVolExist = Self(rawValue: 90)
    /// `VIR_ERR_CPU_INCOMPATIBLE`
    public static let cpuIncompatible = Self(rawValue: 91)
    /// `VIR_ERR_XML_INVALID_SCHEMA`
    public static let xmlInvalidSchema = Self(rawValue: 92)
    /// `VIR_ERR_MIGRATE_FINISH_OK`
    public static let migrateFinishOk = Self(rawValue: 93)
    /// `VIR_ERR_AUTH_UNAVAILABLE`
    public static let authUnavailable = Self(rawValue: 94)
    /// `VIR_ERR_NO_SERVER`
    public static let noServer = Self(rawValue: 95)
    /// `VIR_ERR_NO_CLIENT`
    public static let noClient = Self(rawValue: 96)
    /// `VIR_ERR_AGENT_UNSYNCED`
    public static let agentUnsynced = Self(rawValue: 97)
    /// `VIR_ERR_LIBSSH`
    public static let libssh = Self(rawValue: 98)
    /// `VIR_ERR_DEVICE_MISSING`
    public static let deviceMissing = Self(rawValue: 99)
    /// `VIR_ERR_INVALID_NWFILTER_BINDING`
    public static let invalidNwfilterBinding = Self(rawValue: 100)
    /// `VIR_ERR_NO_NWFILTER_BINDING`
    public static let noNwfilterBinding = Self(rawValue: 101)
    /// `VIR_ERR_INVALID_DOMAIN_CHECKPOINT`
    public static let invalidDomainCheckpoint = Self(rawValue: 102)
    /// `VIR_ERR_NO_DOMAIN_CHECKPOINT`
    public static let noDomainCheckpoint = Self(rawValue: 103)
    /// `VIR_ERR_NO_DOMAIN_BACKUP`
    public static let noDomainBackup = Self(rawValue: 104)
    /// `VIR_ERR_INVALID_NETWORK_PORT`
    public static let invalidNetworkPort = Self(rawValue: 105)
    /// `VIR_ERR_NETWORK_PORT_EXIST`
    public static let networkPortExist = Self(rawValue: 106)
    /// `VIR_ERR_NO_NETWORK_PORT`
    public static let noNetworkPort = Self(rawValue: 107)
    /// `VIR_ERR_NO_HOSTNAME`
    public static let noHostname = Self(rawValue: 108)
    /// `VIR_ERR_CHECKPOINT_INCONSISTENT`
    public static let checkpointInconsistent = Self(rawValue: 109)
    /// `VIR_ERR_MULTIPLE_DOMAINS`
    public static let multipleDomains = Self(rawValue: 110)
}
