#if canImport(Glibc)
import Glibc
#endif

/// What `console` does once attached, as virsh's console does: bytes typed on `input` go to
/// the console's stream, bytes from it go to `output`, until the escape character (Ctrl+],
/// 0x1d) is typed, the input ends or the console's stream ends. A terminal on `input` is
/// put in raw mode meanwhile (keys reach the console as typed) and restored afterwards.
struct ConsoleRelay {
    /// virsh's default escape character, `^]`.
    static let escape: UInt8 = 0x1D
    let stream: Int32
    var input: Int32 = 0
    var output: Int32 = 1

    /// Relays until the end.
    func run() {
        let saved = RawTerminal(input)
        defer { saved?.restore() }
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            var ready = [pollfd(fd: input, events: Int16(POLLIN), revents: 0), pollfd(fd: stream, events: Int16(POLLIN), revents: 0)]
            if poll(&ready, 2, -1) < 0 {
                if errno == EINTR { continue }
                return
            }
            if ready[1].revents != 0 {
                let count = read(stream, &buffer, buffer.count)
                if count <= 0 { return }
                Self.writeAll(output, buffer[0..<count])
            }
            if ready[0].revents != 0 {
                let count = read(input, &buffer, buffer.count)
                if count <= 0 { return }
                let typed = buffer[0..<count]
                if let escape = typed.firstIndex(of: Self.escape) {
                    Self.writeAll(stream, typed[..<escape])
                    return
                }
                Self.writeAll(stream, typed)
            }
        }
    }

    private static func writeAll(_ fd: Int32, _ bytes: ArraySlice<UInt8>) {
        var rest = bytes
        while !rest.isEmpty {
            let written = rest.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { return }
            rest = rest.dropFirst(written)
        }
    }
}

/// A terminal switched to raw mode, which ``restore()`` undoes.
private struct RawTerminal {
    let fd: Int32
    let original: termios

    /// Raw mode on `fd`, or nil when `fd` is not a terminal.
    init?(_ fd: Int32) {
        var settings = termios()
        guard isatty(fd) == 1, tcgetattr(fd, &settings) == 0 else { return nil }
        self.fd = fd
        original = settings
        // cfmakeraw's settings: no input or output processing, no echo, no signals from keys.
        settings.c_iflag &= ~tcflag_t(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON)
        settings.c_oflag &= ~tcflag_t(OPOST)
        settings.c_lflag &= ~tcflag_t(ECHO | ECHONL | ICANON | ISIG | IEXTEN)
        settings.c_cflag &= ~tcflag_t(CSIZE | PARENB)
        settings.c_cflag |= tcflag_t(CS8)
        tcsetattr(fd, TCSAFLUSH, &settings)
    }

    func restore() {
        var settings = original
        tcsetattr(fd, TCSAFLUSH, &settings)
    }
}
