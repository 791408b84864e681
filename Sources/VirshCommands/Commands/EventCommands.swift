#if canImport(Glibc)
import JSON
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SwiftVirt

/// `event`: waits for domain events and prints them.
enum EventCommands {
    static let all: [Command] = [event]

    /// The event types virsh knows, in its order (`event --list`).
    static let eventNames = [
        "lifecycle", "reboot", "rtc-change", "watchdog", "io-error", "graphics", "io-error-reason", "control-error",
        "block-job", "disk-change", "tray-change", "pm-wakeup", "pm-suspend", "balloon-change", "pm-suspend-disk",
        "device-removed", "block-job-2", "tunable", "agent-lifecycle", "device-added", "migration-iteration",
        "job-completed", "device-removal-failed", "metadata-change", "block-threshold", "memory-failure",
        "memory-device-size-change",
    ]

    /// `event [--domain D] [--event TYPE] [--all] [--loop] [--timeout SECONDS] [--list] [--timestamp]`
    static let event = Command(CommandSpec(
        "event", "Domain Events", description: "List event types, or wait for domain events to occur",
        options: [
            .string("domain", "filter by domain name, id or uuid"),
            .string("event", "which event type to wait for"),
            .flag("all", "wait for all events instead of just one type"),
            .flag("loop", "loop until timeout or interrupt, rather than one-shot"),
            .int("timeout", "timeout seconds"),
            .flag("list", "list valid event types"),
            .flag("timestamp", "show timestamp for each printed event"),
        ]
    )) { ctx in
        if ctx.flag("list") {
            ctx.print(eventNames.map { $0 + "\n" }.joined())
            ctx.result(.array(eventNames.map(JSONValue.string)))
            return
        }
        try ctx.exclusive("all", "event")
        let type = try ctx.string("event")
        guard ctx.flag("all") || type != nil else {
            throw VirshError("one of --list, --all, or --event <type> is required")
        }
        if let type, !eventNames.contains(type) { throw VirshError("unknown event type \(type)") }
        let timeout = try ctx.unsigned("timeout", in: 1...UInt64(Int32.max / 1000))
        let domain = try await ctx.string("domain") == nil ? nil : ctx.domain()
        let connection = try await ctx.connection()

        let (merged, sink) = AsyncStream<Arrival>.makeStream()
        let listener = Task {
            let events: AsyncStream<DomainLifecycleEvent>
            do throws(VirError) {
                events = try await connection.lifecycleEvents()
            } catch {
                sink.yield(.failed(error))
                return
            }
            for await event in events { sink.yield(.event(event)) }
        }
        let timer = timeout.map { seconds in
            Task {
                try? await Task.sleep(for: .seconds(seconds))
                sink.yield(.timedOut)
            }
        }
        defer {
            listener.cancel()
            timer?.cancel()
        }

        let wantsLifecycle = type == nil || type == "lifecycle"
        var received: [JSONValue] = []
        var timedOut = false
        waiting: for await arrival in merged {
            switch arrival {
            case .timedOut:
                timedOut = true
                break waiting
            case .failed(let error):
                throw VirshError(nil, error)
            case .event(let event):
                guard wantsLifecycle, domain == nil || event.domain.uuid == domain?.uuid else { continue }
                let stamp = ctx.flag("timestamp") ? Timestamp.now() + ": " : ""
                let kind = EventText.type(event.type)
                let detail = EventText.detail(event.detail, of: event.type)
                ctx.print("\(stamp)event 'lifecycle' for domain '\(event.domain.name)': \(kind) \(detail)\n")
                received.append(.object([
                    ("event", .string("lifecycle")), ("domain", .string(event.domain.name)),
                    ("type", .string(kind)), ("detail", .string(detail)),
                ]))
                if !ctx.flag("loop") { break waiting }
            }
        }
        if timedOut { ctx.print("event loop timed out\n") }
        ctx.print("events received: \(received.count)\n")
        ctx.result(.object([("events", .array(received)), ("timedOut", .bool(timedOut))]))
        if received.isEmpty {
            var failure = VirshError("no events received", code: .operationTimeout)
            failure.silent = true
            throw failure
        }
    }

    /// What the waiting loop receives.
    private enum Arrival: Sendable {
        case event(DomainLifecycleEvent)
        case failed(VirError)
        case timedOut
    }
}

/// virsh's words for lifecycle events.
enum EventText {
    /// `Defined`, `Started`, `Stopped`, …
    static func type(_ type: DomainEventType) -> String {
        switch type {
        case .defined: "Defined"
        case .undefined: "Undefined"
        case .started: "Started"
        case .suspended: "Suspended"
        case .resumed: "Resumed"
        case .stopped: "Stopped"
        case .shutdown: "Shutdown"
        case .pmSuspended: "PMSuspended"
        case .crashed: "Crashed"
        }
    }

    /// The detail, e.g. `Booted`, `Destroyed`, `Snapshot`.
    static func detail(_ detail: DomainEventDetail, of type: DomainEventType) -> String {
        let names: [String]
        switch type {
        case .defined: names = ["Added", "Updated", "Renamed", "Snapshot"]
        case .undefined: names = ["Removed", "Renamed"]
        case .started: names = ["Booted", "Migrated", "Restored", "Snapshot", "Event wakeup"]
        case .suspended:
            names = ["Paused", "Migrated", "I/O Error", "Watchdog", "Restored", "Snapshot", "API error", "Post-copy", "Post-copy Error"]
        case .resumed: names = ["Unpaused", "Migrated", "Snapshot", "Post-copy", "Post-copy Error"]
        case .stopped: names = ["Shutdown", "Destroyed", "Crashed", "Migrated", "Saved", "Failed", "Snapshot"]
        case .shutdown: names = ["Finished", "Finished after guest request", "Finished after host request"]
        case .pmSuspended: names = ["Memory", "Disk"]
        case .crashed: names = ["Panicked", "Crashloaded"]
        }
        let index = Int(detail.rawValue)
        return names.indices.contains(index) ? names[index] : "unknown"
    }
}

/// The `--timestamp` prefix: UTC time with milliseconds, `YYYY-MM-DD HH:MM:SS.mmm+0000`.
enum Timestamp {
    /// Now.
    static func now() -> String {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        var seconds = spec.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var buffer = [CChar](repeating: 0, count: 64)
        let length = strftime(&buffer, buffer.count, "%Y-%m-%d %H:%M:%S", &parts)
        let date = String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return date + "." + String(spec.tv_nsec / 1_000_000).leftPadded(to: 3).replacing(" ", with: "0") + "+0000"
    }
}
