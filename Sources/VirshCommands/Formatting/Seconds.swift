/// Durations as virsh prints them.
enum Seconds {
    /// Nanoseconds as seconds with one decimal and an `s`, like `%.1lfs`.
    static func tenths(_ nanoseconds: UInt64) -> String {
        let tenths = (nanoseconds + 50_000_000) / 100_000_000
        return "\(tenths / 10).\(tenths % 10)s"
    }
}
