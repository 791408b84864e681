import Foundation
import VirtSystem

#if canImport(Glibc)
import Glibc
#endif

/// The floor under every single-client figure of `virt-bench rpc`: a bare round trip of a
/// small message over a socket pair between a thread on CPU 1 and one on CPU 0 that sleeps
/// in `read` between messages, as the clients and daemons do. On a virtual machine most of
/// it is the wake-up of the sleeping CPU.
enum CPURoundTrip {
    /// The median round trip, in seconds, over `rounds` rounds of `trips` each.
    static func measure(trips: Int = 20_000, rounds: Int = 5) -> Double {
        guard let (near, far) = try? SocketPair.make() else { return .nan }
        defer { close(near) }
        let echo = Thread {
            try? ThreadAffinity.pin(to: 0)
            var message = [UInt8](repeating: 0, count: 64)
            while read(far, &message, 64) > 0 { _ = write(far, message, 40) }
            close(far)
        }
        echo.start()
        try? ThreadAffinity.pin(to: 1)
        var message = [UInt8](repeating: 0, count: 64)
        let clock = ContinuousClock()
        let samples = (0..<rounds).map { _ in
            let start = clock.now
            for _ in 0..<trips {
                _ = write(near, message, 40)
                _ = read(near, &message, 64)
            }
            return Bench.seconds(clock.now - start) / Double(trips)
        }
        shutdown(near, Int32(SHUT_WR))  // the echo thread reads its end and leaves
        return Bench.medianOf(samples)
    }
}
