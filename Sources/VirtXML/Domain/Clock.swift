import VirtError

/// `<clock>`: how the guest clock is initialised and which timers it has (`virDomainClockDef`).
public struct ClockDefinition: Sendable, Equatable {
    /// `<timer>`: one guest timer.
    public struct Timer: Sendable, Equatable {
        /// `name`: `rtc`, `pit`, `hpet`, `kvmclock`, `tsc`, …
        public var name: String
        /// `present` (`yes`/`no`).
        public var present: Bool? = nil
        /// `tickpolicy`: `delay`, `catchup`, `merge`, `discard`.
        public var tickPolicy: String? = nil
        /// `track`: `boot`, `guest`, `wall`, `realtime`.
        public var track: String? = nil
        /// `frequency` in Hz.
        public var frequency: UInt64? = nil
        /// `mode`: `auto`, `native`, `emulate`, `paravirt`, `smpsafe`.
        public var mode: String? = nil
        /// Unmodelled attributes and children (e.g. `<catchup>`).
        public var extras = XMLExtras()
        /// A timer called `name`.
        public init(name: String) { self.name = name }
    }

    /// `offset`: `utc`, `localtime`, `timezone`, `variable` or `absolute`.
    public var offset: String = "utc"
    /// `adjustment` (seconds, or `reset`).
    public var adjustment: String? = nil
    /// `basis` (`utc`/`localtime`) of a variable clock.
    public var basis: String? = nil
    /// `timezone` of a timezone clock.
    public var timezone: String? = nil
    /// `start` of an absolute clock (seconds since the epoch).
    public var start: UInt64? = nil
    /// `<timer>` children in order.
    public var timers: [Timer] = []
    /// Unmodelled attributes and children.
    public var extras = XMLExtras()
    /// `<clock offset='utc'/>`.
    public init() {}
}

/// `virDomainClockOffsetType`
enum ClockOffset: String {
    case utc, localtime, variable, timezone, absolute
}

extension ClockDefinition {
    init(xml e: XMLElement) throws(VirError) {
        var r = ElementReader(e)
        offset = try r.enumAttribute("offset", ClockOffset.self)?.rawValue ?? "utc"
        adjustment = r.attribute("adjustment")
        basis = r.attribute("basis")
        timezone = r.attribute("timezone")
        start = try r.unsignedAttribute("start")
        timers = try r.children("timer").map { (t) throws(VirError) in
            var tr = ElementReader(t)
            guard let name = tr.attribute("name") else { throw VirError.xml("missing timer name") }
            var timer = Timer(name: name)
            timer.present = try tr.yesNoAttribute("present")
            timer.tickPolicy = tr.attribute("tickpolicy")
            timer.track = tr.attribute("track")
            timer.frequency = try tr.unsignedAttribute("frequency")
            timer.mode = tr.attribute("mode")
            timer.extras = tr.extras
            return timer
        }
        extras = r.extras
    }

    var xml: XMLElement {
        let timerElements = timers.map { t in
            XMLElement("timer", [("name", t.name), ("present", t.present.map(\.yesNo)), ("tickpolicy", t.tickPolicy),
                                 ("track", t.track), ("frequency", t.frequency.map { "\($0)" }), ("mode", t.mode)],
                       extras: t.extras)
        }
        return XMLElement("clock", [("offset", offset), ("adjustment", adjustment), ("basis", basis),
                                    ("timezone", timezone), ("start", start.map { "\($0)" })],
                          extras: extras, children: timerElements)
    }
}

extension Bool {
    /// `yes` or `no` (`virTristateBoolTypeToString`).
    var yesNo: String { self ? "yes" : "no" }
}
