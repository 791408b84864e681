import Synchronization
import VirtError
import VirtSystem

/// The commands a monitor sent that QEMU has not answered yet, by the keys they are awaited
/// under, in the order they were sent: the order QEMU answers them in. Without out-of-band
/// execution (which SwiftVirt never enables), QEMU reads its monitor's input a byte at a
/// time and stops reading at the end of each command until it has answered it, so even an
/// `exec-oob` request is answered in turn, and commands need no QMP `id`. An `id` costs:
/// each byte read is a loop of system calls in QEMU, and libvirt's `"id":"libvirt-N"` made a
/// `query-status` round trip about 1.5x a raw client's here, against 1.1x without.
final class AnswerOrder: Sendable {
    private let keys = Mutex<[String]>([])

    /// Writes `line`, the command awaited under `key`, to `socket` (`descriptor` attached
    /// if given) and queues `key`, in one step, so that commands sent at once queue in the
    /// order they were written; false if the socket was closed already.
    func write(_ line: [UInt8], awaitedUnder key: String, to socket: GuardedSocket, passing descriptor: Int32?) throws(VirError) -> Bool {
        try keys.withLock { (keys) throws(VirError) -> Bool in
            guard try socket.write(line, passing: descriptor) else { return false }
            keys.append(key)
            return true
        }
    }

    /// The key of the oldest command not answered yet, which the reply just read answers;
    /// nil if there is none.
    func answerOldest() -> String? {
        keys.withLock { $0.isEmpty ? nil : $0.removeFirst() }
    }
}
