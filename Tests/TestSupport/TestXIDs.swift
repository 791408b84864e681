import Synchronization

/// Context ids for tests that create contexts under an xid of their own: handed out in turn,
/// process-wide, from a random start below the dynamic range (49152 on), so that no two
/// tests of the run draw the same one (random draws did collide, with each other or with a
/// context still being torn down).
public enum TestXIDs {
    private static let next = Mutex(UInt32.random(in: 20000...40000))

    /// The next xid.
    public static func fresh() -> UInt32 {
        next.withLock { next in
            defer { next = next >= 45000 ? 20000 : next + 1 }
            return next
        }
    }
}
