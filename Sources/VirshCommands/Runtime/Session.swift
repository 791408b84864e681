import JSON
import SwiftVirt

/// Where text goes: the process's stdout or stderr, or a buffer in tests.
public protocol TextSink: AnyObject {
    /// Writes `text` as is.
    func write(_ text: String)
}

/// A sink that keeps everything written to it (for tests and embedding).
public final class TextBuffer: TextSink {
    /// Everything written so far.
    public private(set) var text = ""
    /// An empty buffer.
    public init() {}
    /// Appends `text`.
    public func write(_ text: String) { self.text += text }
}

/// The state shared by the commands of one invocation: settings from the global options,
/// the output sinks and the hypervisor connection.
final class Session {
    /// Normal output.
    let output: any TextSink
    /// Error output.
    let errors: any TextSink
    /// `-q`: no informational messages, no table headers, no blank line after commands.
    let quiet: Bool
    /// `--json` given before the command string.
    let json: Bool
    /// `-r`: open the connection read-only.
    let readOnly: Bool
    /// The URI to connect to; nil for SwiftVirt's default.
    let uri: String?
    private var connection: Connection?

    init(output: any TextSink, errors: any TextSink, settings: GlobalOptions, uri: String?) {
        self.output = output
        self.errors = errors
        self.quiet = settings.quiet
        self.json = settings.json
        self.readOnly = settings.readOnly
        self.uri = uri
    }

    /// The connection, opened on first use as virsh does for a default URI. A failure is
    /// reported as `failed to connect to the hypervisor` and retried by the next command.
    func connect() async throws(VirshError) -> Connection {
        if let connection { return connection }
        do {
            let opened = try await Connection.open(uri, readOnly: readOnly)
            connection = opened
            return opened
        } catch {
            throw VirshError("failed to connect to the hypervisor", error)
        }
    }

    /// Closes the connection, if one was opened.
    func close() async {
        await connection?.close()
        connection = nil
    }

    /// Prints `error: <line>` for each line of `error`, or its JSON form in JSON mode.
    func report(_ error: VirshError, json: Bool) {
        if json {
            errors.write(error.json.serialized + "\n")
        } else {
            for line in error.lines { errors.write("error: \(line)\n") }
        }
    }
}
