#if canImport(Glibc)
import Glibc
#endif

/// What `fd` (a pipe, socket or terminal) yields until `text` has come, the stream ends or
/// `deadline` has passed: tests of consoles and other streams wait on it instead of
/// blocking for ever when the peer stays silent.
public func read(_ fd: Int32, until text: String, within deadline: Duration = .seconds(5)) -> String {
    var received: [UInt8] = []
    let end = ContinuousClock.now + deadline
    while !String(decoding: received, as: UTF8.self).contains(text), ContinuousClock.now < end {
        var ready = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&ready, 1, 100) >= 0 else { break }
        guard ready.revents != 0 else { continue }
        var chunk = [UInt8](repeating: 0, count: 4096)
        let count = Glibc.read(fd, &chunk, chunk.count)
        if count <= 0 { break }
        received += chunk.prefix(count)
    }
    return String(decoding: received, as: UTF8.self)
}
