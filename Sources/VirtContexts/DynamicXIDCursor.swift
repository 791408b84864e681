import Synchronization

/// Where a ``ContextSystem`` looks for its next dynamic xid: an offset into
/// ``ContextSystem/dynamicXIDs``, shared by the copies of the system, as the kernel keeps
/// the last pid it handed out.
final class DynamicXIDCursor: Sendable {
    private let offset = Mutex<UInt32>(0)

    /// The dynamic xids in the order to try them: from the cursor on, wrapping around.
    func candidates() -> some Collection<UInt32> {
        let start = offset.withLock { $0 }
        let range = ContextSystem.dynamicXIDs
        let count = UInt32(range.count)
        return (0..<count).lazy.map { range.lowerBound + (start + $0) % count }
    }

    /// Records that `xid` was handed out: the next search starts after it.
    func handedOut(_ xid: UInt32) {
        let range = ContextSystem.dynamicXIDs
        offset.withLock { $0 = (xid - range.lowerBound + 1) % UInt32(range.count) }
    }
}
