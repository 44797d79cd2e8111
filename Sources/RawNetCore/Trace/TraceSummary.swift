/// Events a daemon counted instead of streaming them one by one, for a subscriber
/// that asked for detail only up to a rate (`TraceDetailBudget`): the web view asks
/// so, `trace` and `capture` never do. Counted per interface, kind, protocol and
/// reason, with frames' bytes, and streamed as one `counted` event per interval.
/// This type is the one writer and reader of that event's detail:
///
///     events=412 first=1764745200000000000 last=1764745200031000000 c=eth0,sent,tcp,,200,300400 c=eth1,dropped,tcp,injected%20loss,3,4500
///
/// Each `c=` word is interface, kind, protocol, reason (percent-escaped; empty for
/// none), events and bytes.
public struct TraceSummary: Sendable, Hashable {
    /// The `reason` of a `counted` event.
    public static let overBudget = "over the detail budget"
    /// Distinct keys kept per interval; further ones are counted under their kind alone.
    public static let maximumKeys = 64

    public struct Key: Sendable, Hashable, Comparable {
        public var interface: String?
        public var kind: TraceEvent.Kind
        /// arp, icmp, udp, tcp, dns, http or other (`protocolName(ofFrame:)`); nil without a frame.
        public var proto: String?
        /// A drop's reason; an impairment's action word; a TCP event's name; a note's first word.
        public var reason: String?

        public init(interface: String?, kind: TraceEvent.Kind, proto: String?, reason: String?) {
            self.interface = interface
            self.kind = kind
            self.proto = proto
            self.reason = reason
        }

        public static func < (a: Key, b: Key) -> Bool {
            (a.interface ?? "", a.kind.rawValue, a.proto ?? "", a.reason ?? "")
                < (b.interface ?? "", b.kind.rawValue, b.proto ?? "", b.reason ?? "")
        }
    }

    public struct Tally: Sendable, Hashable {
        public var events = 0
        /// Bytes of the frames counted (0 for events without a frame).
        public var bytes = 0
        public init(events: Int = 0, bytes: Int = 0) {
            self.events = events
            self.bytes = bytes
        }
    }

    /// The keys counted, in the order first seen, and their tallies (`counts[i]` for `keys[i]`):
    /// a daemon counts every event nobody takes in detail, and a look along a few keys that
    /// are mostly the very same strings is cheaper than hashing three strings per event.
    private var keys: [Key] = []
    private var counts: [Tally] = []
    /// The tallies by key.
    public var tallies: [Key: Tally] { Dictionary(uniqueKeysWithValues: zip(keys, counts)) }
    public private(set) var events = 0
    public private(set) var firstTime: Int64 = 0
    public private(set) var lastTime: Int64 = 0

    public init() {}

    public var isEmpty: Bool { events == 0 }

    /// Counts one event.
    public mutating func add(_ event: TraceEvent) {
        add(Self.key(interface: event.interface, kind: event.kind, frame: event.frame, reason: event.reason,
                     detail: event.detail),
            bytes: event.frame?.count ?? 0, time: event.time)
    }

    /// Counts one event by its key alone: what a daemon does for an event it does not build
    /// because no subscriber takes it in detail (the key is the one `add(_:)` would use).
    public mutating func add(_ key: Key, bytes: Int, time: Int64) {
        tally(key, events: 1, bytes: bytes)
        if events == 0 || time < firstTime { firstTime = time }
        if events == 0 || time > lastTime { lastTime = time }
        events += 1
    }

    /// Counts `tally.events` events of one key at once, stamped from `first` to `last`
    /// (what `TraceFrameTally` gathered).
    public mutating func add(_ key: Key, _ tally: Tally, first: Int64, last: Int64) {
        guard tally.events > 0 else { return }
        self.tally(key, events: tally.events, bytes: tally.bytes)
        if events == 0 || first < firstTime { firstTime = first }
        if events == 0 || last > lastTime { lastTime = last }
        events += tally.events
    }

    /// Adds to `key`'s tally; past `maximumKeys` distinct keys, a new one is counted under its kind alone.
    private mutating func tally(_ key: Key, events: Int, bytes: Int) {
        var index = keys.firstIndex(of: key)
        if index == nil && keys.count >= Self.maximumKeys {
            index = keys.firstIndex(of: Key(interface: nil, kind: key.kind, proto: nil, reason: nil))
            if index == nil {
                keys.append(Key(interface: nil, kind: key.kind, proto: nil, reason: nil))
                counts.append(Tally())
            }
        } else if index == nil {
            keys.append(key)
            counts.append(Tally())
        }
        let at = index ?? keys.count - 1
        counts[at].events += events
        counts[at].bytes += bytes
    }

    public static func == (a: TraceSummary, b: TraceSummary) -> Bool {
        a.events == b.events && a.firstTime == b.firstTime && a.lastTime == b.lastTime && a.tallies == b.tallies
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(events)
        hasher.combine(firstTime)
        hasher.combine(lastTime)
        hasher.combine(tallies)
    }

    /// The key an event with these fields is counted under.
    public static func key(interface: String?, kind: TraceEvent.Kind, frame: [UInt8]?, reason: String?,
                           detail: String?) -> Key {
        Key(interface: interface, kind: kind, proto: frame.map(protocolName(ofFrame:)),
            reason: reasonWord(kind: kind, reason: reason, detail: detail))
    }

    /// Adds another summary's counts (one that could not be sent yet).
    public mutating func merge(_ other: TraceSummary) {
        guard !other.isEmpty else { return }
        for (key, tally) in zip(other.keys, other.counts) { self.tally(key, events: tally.events, bytes: tally.bytes) }
        firstTime = isEmpty ? other.firstTime : min(firstTime, other.firstTime)
        lastTime = isEmpty ? other.lastTime : max(lastTime, other.lastTime)
        events += other.events
    }

    /// What the counts are keyed by besides interface, kind and protocol: a drop's whole reason
    /// (a bounded set), but only the action word of an impairment ("corrupted byte 27 bit 3"
    /// is "corrupted"), the name of a TCP event (`event=retransmit …` is "retransmit") and a
    /// note's first word ("forwarded", "ARP").
    public static func reasonWord(of event: TraceEvent) -> String? {
        reasonWord(kind: event.kind, reason: event.reason, detail: event.detail)
    }

    static func reasonWord(kind: TraceEvent.Kind, reason: String?, detail: String?) -> String? {
        switch kind {
        case .dropped: return reason
        case .impaired: return reason.map { String($0.prefix { $0 != " " }) }
        case .note: return detail.map { String($0.prefix { $0 != " " }) }
        case .transport:
            guard let detail, detail.hasPrefix("event=") else { return nil }
            return String(detail.dropFirst(6).prefix { $0 != " " })
        default: return nil
        }
    }

    /// The protocols frames are counted by, in the order `protocolIndex(ofFrame:)` numbers them.
    public static let protocolNames = ["arp", "icmp", "udp", "tcp", "dns", "http", "other"]

    /// The protocol a frame is coloured and counted by, read from its bytes alone (no
    /// checksum or length checks, so cheap enough for every frame): the highest layer
    /// RawNet names. UDP to or from port 53 is dns; TCP to or from 80 or 8080 is http.
    public static func protocolName(ofFrame frame: [UInt8]) -> String {
        protocolNames[protocolIndex(ofFrame: frame)]
    }

    /// `protocolName(ofFrame:)` as its index in `protocolNames`.
    public static func protocolIndex(ofFrame frame: [UInt8]) -> Int {
        let arp = 0, icmp = 1, udp = 2, tcp = 3, dns = 4, http = 5, other = 6
        guard frame.count >= 14 else { return other }
        var offset = 12
        var etherType = UInt16(frame[12]) << 8 | UInt16(frame[13])
        if etherType == 0x8100, frame.count >= 18 {
            offset = 16
            etherType = UInt16(frame[16]) << 8 | UInt16(frame[17])
        }
        let ip = offset + 2
        if etherType == 0x0806 { return arp }
        guard etherType == 0x0800, frame.count >= ip + 20, frame[ip] >> 4 == 4 else { return other }
        let headerLength = Int(frame[ip] & 0x0F) * 4
        let transport = ip + headerLength
        // A later fragment carries no transport header.
        let fragmentOffset = (UInt16(frame[ip + 6] & 0x1F) << 8) | UInt16(frame[ip + 7])
        let protocolNumber = frame[ip + 9]
        if protocolNumber == 1 { return icmp }
        guard protocolNumber == 6 || protocolNumber == 17, headerLength >= 20, fragmentOffset == 0,
              frame.count >= transport + 4 else { return other }
        let source = UInt16(frame[transport]) << 8 | UInt16(frame[transport + 1])
        let destination = UInt16(frame[transport + 2]) << 8 | UInt16(frame[transport + 3])
        if protocolNumber == 17 { return source == 53 || destination == 53 ? dns : udp }
        let isHTTP = source == 80 || source == 8080 || destination == 80 || destination == 8080
        return isHTTP ? http : tcp
    }

    /// The `counted` event that stands for these events in `node`'s stream.
    public func event(node: String) -> TraceEvent {
        var words = ["events=\(events)", "first=\(firstTime)", "last=\(lastTime)"]
        for key in tallies.keys.sorted() {
            let tally = tallies[key] ?? Tally()
            let fields = [key.interface ?? "", key.kind.rawValue, key.proto ?? "", key.reason ?? ""].map(Self.escape)
            words.append("c=" + fields.joined(separator: ",") + ",\(tally.events),\(tally.bytes)")
        }
        return TraceEvent(time: firstTime, node: node, kind: .counted, reason: Self.overBudget,
                          detail: words.joined(separator: " "))
    }

    /// Reads a `counted` event back; nil for any other event or a detail it cannot read.
    public init?(_ event: TraceEvent) {
        guard event.kind == .counted, let detail = event.detail else { return nil }
        for word in detail.split(separator: " ") {
            guard let equals = word.firstIndex(of: "=") else { return nil }
            let name = word[..<equals], value = word[word.index(after: equals)...]
            switch name {
            case "events", "first", "last":
                guard let number = Int64(value), number >= 0 else { return nil }
                if name == "events" { events = Int(number) } else if name == "first" { firstTime = number } else { lastTime = number }
            case "c":
                let fields = value.split(separator: ",", omittingEmptySubsequences: false)
                guard fields.count == 6, let kind = TraceEvent.Kind(rawValue: String(fields[1])),
                      let count = Int(fields[4]), count >= 0, let bytes = Int(fields[5]), bytes >= 0,
                      let interface = Self.unescape(fields[0]), let proto = Self.unescape(fields[2]),
                      let reason = Self.unescape(fields[3]) else { return nil }
                let key = Key(interface: interface.isEmpty ? nil : interface, kind: kind,
                              proto: proto.isEmpty ? nil : proto, reason: reason.isEmpty ? nil : reason)
                tally(key, events: count, bytes: bytes)
            default:
                continue   // a later version's word
            }
        }
    }

    /// Percent-escapes what would split a word: `%`, `,`, `=`, spaces and control bytes.
    static func escape(_ text: String) -> String {
        var out: [UInt8] = []
        for byte in text.utf8 {
            if byte <= 0x20 || byte == 0x25 || byte == 0x2C || byte == 0x3D || byte == 0x7F {
                out += [0x25, TraceEvent.hexDigits[Int(byte >> 4)], TraceEvent.hexDigits[Int(byte & 0x0F)]]
            } else {
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func unescape(_ text: Substring) -> String? {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0x25 {
                guard index + 2 < bytes.count,
                      let value = TraceEvent.bytes(fromHex: String(decoding: bytes[index + 1...index + 2], as: UTF8.self))
                else { return nil }
                out += value
                index += 3
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// How much of a daemon's trace one subscriber gets in detail: `eventsPerWindow` events in
/// each `window` (by the events' own times) while the lab is busy, and after a quiet spell up
/// to `burst` at once (one second's worth), as a token bucket would: a ping's few frames on
/// a quiet lab are all shown, a flood gets its rate. The rest of a window is counted in a
/// `TraceSummary`, due as one `counted` event once the window is over. Notes count too (a
/// router notes each packet it forwards); gaps and summaries themselves always pass. Pure:
/// the daemon gives it the time.
public struct TraceDetailBudget: Sendable {
    public let eventsPerWindow: Int
    /// Events that may go out in detail in one window after a quiet spell: what windows left
    /// unused is kept, up to this (one second's worth, at least one window's).
    public let burst: Int
    /// Nanoseconds.
    public let window: Int64
    private var windowStart: Int64?
    private var detailed = 0
    /// Events this window may detail: its own share and what earlier windows left, up to `burst`.
    private var allowance = 0
    /// What was counted and not yet handed out.
    public private(set) var summary = TraceSummary()

    /// `eventsPerSecond` in detail, counted per `window` beyond that (at least one event per window).
    public init(eventsPerSecond: Int, window: Duration = .milliseconds(200)) {
        let (seconds, attoseconds) = window.components
        self.window = max(1, seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        eventsPerWindow = max(1, Int((Int64(max(0, eventsPerSecond)) * self.window + 999_999_999) / 1_000_000_000))
        burst = max(eventsPerWindow, eventsPerSecond)
    }

    /// True when `event` goes out in detail; false when it was counted instead.
    public mutating func admit(_ event: TraceEvent) -> Bool {
        switch event.kind {
        case .lost, .counted: return true
        default: break
        }
        if let start = windowStart, event.time < start + window {
            if detailed < allowance {
                detailed += 1
                return true
            }
            summary.add(event)
            return false
        }
        // A new window: only once the counts of the last one are out (or there were none).
        if summary.isEmpty {
            startWindow(at: event.time)
            detailed = 1
            return true
        }
        summary.add(event)
        return false
    }

    /// A window from `time`: its share, with what the windows since the last one left unused.
    private mutating func startWindow(at time: Int64) {
        let credit: Int64
        if let start = windowStart {
            let windows = min(Int64(burst), max(1, (time - start) / window))
            credit = Int64(max(0, allowance - detailed)) + windows * Int64(eventsPerWindow)
        } else {
            credit = Int64(burst)
        }
        allowance = Int(min(Int64(burst), credit))
        windowStart = time
    }

    /// Whether an event stamped `time` would go out in detail (what `admit` would answer, without
    /// counting it): a daemon asks before it builds an event, and builds none that every
    /// subscriber would only count.
    public func wouldAdmit(time: Int64) -> Bool {
        if let start = windowStart, time < start + window { return detailed < allowance }
        return summary.isEmpty
    }

    /// Counts an event that was not built, under the key `TraceSummary.add(_:)` would give it;
    /// only for a time `wouldAdmit` refused (otherwise the window would not move on).
    public mutating func count(_ key: TraceSummary.Key, bytes: Int, time: Int64) {
        summary.add(key, bytes: bytes, time: time)
    }

    /// Counts what a `TraceFrameTally` gathered while `wouldAdmit` refused.
    public mutating func count(_ key: TraceSummary.Key, _ tally: TraceSummary.Tally, first: Int64, last: Int64) {
        summary.add(key, tally, first: first, last: last)
    }

    /// Until when (exclusive) `wouldAdmit` answers no for any time from `time` on, with
    /// nothing else changing this budget: the end of a full window, `Int64.max` while counts
    /// wait to be taken, nil when it would admit at `time`.
    public func refusesUntil(from time: Int64) -> Int64? {
        if let start = windowStart, time < start + window {
            return detailed < allowance ? nil : (summary.isEmpty ? start + window : .max)
        }
        return summary.isEmpty ? nil : .max
    }

    /// When the counts are due: the end of the window they were counted in; nil with nothing counted.
    public var deadline: Int64? {
        guard !summary.isEmpty, let windowStart else { return nil }
        return windowStart + window
    }

    /// The counts, if their window is over at `now`; they are handed out once.
    public mutating func takeDue(now: Int64) -> TraceSummary? {
        guard let deadline, now >= deadline else { return nil }
        let due = summary
        summary = TraceSummary()
        return due
    }

    /// Gives back counts that could not be sent; they go with the next ones.
    public mutating func putBack(_ counts: TraceSummary) {
        summary.merge(counts)
    }
}
