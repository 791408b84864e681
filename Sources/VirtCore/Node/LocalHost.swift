#if canImport(Glibc)
import Glibc
#endif
import VirtError

/// The machine the drivers run on.
public enum LocalHost {
    /// The host name, as `virConnectGetHostname` reports it for local drivers; errors carry
    /// the driver's `domain`.
    public static func name(domain: ErrorDomain) throws(VirError) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let status = buffer.withUnsafeMutableBytes { raw in
            gethostname(raw.baseAddress!.assumingMemoryBound(to: CChar.self), raw.count - 1)
        }
        guard status == 0 else {
            throw VirError(.systemError, "failed to determine host name", domain: domain)
        }
        return String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self)
    }
}
