import Glibc
import JSON
import VirtError
import VirtSystem

/// A conversation with the QEMU guest agent (qemu-ga) over the host end of its
/// virtio-serial channel, as libvirt's `qemuAgent` has it: each command is preceded by
/// `guest-sync` with a fresh id, and whatever came before the matching answer (the late
/// answer of a command given up on) is skipped. One connection per command, on a thread of
/// its own, since a command may block for as long as the guest takes.
enum QEMUAgent {
    /// The channel's name (`<target type='virtio' name='org.qemu.guest_agent.0'/>`).
    static let channelName = "org.qemu.guest_agent.0"
    /// How long `guest-sync` may take (libvirt's `QEMU_AGENT_WAIT_TIME`), in seconds.
    static let syncTimeout: Int32 = 5

    /// Sends `command` to the agent behind `socketPath` and returns its answer, the whole
    /// JSON text: waits `timeout` seconds for it, forever for `QemuAgentTimeout.block` and
    /// `.default`, and not at all for `.noWait` (nil then). An error answer is an error.
    static func execute(_ command: JSONValue, socketPath: String, timeout: Int32) async throws(VirError) -> String? {
        try await DetachedThread.run { () throws(VirError) -> String? in
            let socket: StreamSocket
            do throws(VirError) {
                socket = try StreamSocket.connect(to: socketPath)
            } catch {
                throw VirError(.agentUnresponsive, "QEMU guest agent is not connected", domain: .qemu)
            }
            defer { socket.close() }
            var lines = LineReader(socket: socket)
            let id = UInt64.random(in: 1 ... UInt64(Int64.max))
            try socket.writeAll(Array("{\"execute\":\"guest-sync\",\"arguments\":{\"id\":\(id)}}\n".utf8))
            let syncDeadline = ContinuousClock.now + .seconds(timeout > 0 && timeout < syncTimeout ? timeout : syncTimeout)
            while true {
                guard let line = try lines.next(before: syncDeadline) else {
                    throw VirError(.agentUnresponsive, "QEMU guest agent is not connected", domain: .qemu)
                }
                if (try? JSONValue(parsing: line))?["return"]?.uint64Value == id { break }
            }
            try socket.writeAll(Array((command.serialized + "\n").utf8))
            if timeout == 0 { return nil }
            let deadline = timeout > 0 ? ContinuousClock.now + .seconds(timeout) : nil
            while true {
                guard let line = try lines.next(before: deadline) else {
                    throw VirError(.agentUnresponsive, "Guest agent not available for now", domain: .qemu)
                }
                guard let reply = try? JSONValue(parsing: line) else { continue }
                if let error = reply["error"] {
                    let name = command["execute"]?.stringValue ?? ""
                    throw VirError(.internalError, "unable to execute QEMU agent command '\(name)': \(error["desc"]?.stringValue ?? error.serialized)", domain: .qemu)
                }
                if reply["return"] != nil { return line }
            }
        }
    }

    /// The agent's lines, read as they come, each wait bounded by a deadline.
    private struct LineReader {
        let socket: StreamSocket
        var pending: [UInt8] = []

        /// The next line, or nil if none came before `deadline` (nil: no bound). The agent
        /// going away is an error.
        mutating func next(before deadline: ContinuousClock.Instant?) throws(VirError) -> String? {
            while true {
                if let end = pending.firstIndex(of: 10) {
                    let line = String(decoding: pending[..<end], as: UTF8.self)
                    pending.removeSubrange(...end)
                    if line.allSatisfy({ $0 == " " || $0 == "\r" }) { continue }
                    return line
                }
                var wait: Int32 = -1
                if let deadline {
                    let left = ContinuousClock.now.duration(to: deadline)
                    guard left > .zero else { return nil }
                    wait = Int32(clamping: left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1)
                }
                var entry = pollfd(fd: socket.descriptor, events: Int16(POLLIN), revents: 0)
                let ready = poll(&entry, 1, wait)
                if ready < 0 && errno == EINTR { continue }
                guard ready > 0 else { if ready == 0 { continue } else { throw Syscall.error("poll the guest agent", errno: errno, domain: .qemu) } }
                var buffer = [UInt8](repeating: 0, count: 4096)
                let count = try socket.read(into: &buffer)
                guard count > 0 else { throw VirError(.agentUnresponsive, "QEMU guest agent is not connected", domain: .qemu) }
                pending += buffer[..<count]
            }
        }
    }
}
