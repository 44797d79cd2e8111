/// Frames sent and received, counted by interface, kind and protocol with plain integer
/// adds: what a daemon keeps while every subscriber only counts (each has a
/// `TraceDetailBudget` whose window is full), instead of making a `TraceSummary.Key` per
/// frame. Other events (a router's notes, a host's TCP events) are tallied under their
/// keys in a short list, the last one used looked at first. The daemon hands the counts to
/// the budgets (`take`) before anything reads or changes them, so the counts that go out are the ones `TraceSummary.add` would have made.
public struct TraceFrameTally: Sendable {
    /// The interfaces seen, in the order first seen; a slot is `(interface * 2 + kind) * protocols + protocol`.
    private var interfaces: [String?] = []
    private var events: [Int] = []
    private var bytes: [Int] = []
    /// Events other than frames sent or received, by key, in the order first seen.
    private var keyed: [(key: TraceSummary.Key, tally: TraceSummary.Tally)] = []
    private var lastKeyed = 0
    public private(set) var first: Int64 = 0
    public private(set) var last: Int64 = 0
    /// Frames counted since the last `take`.
    public private(set) var total = 0

    public init() {}

    public var isEmpty: Bool { total == 0 }

    /// Whether `kind` is one this tally counts (frames sent or received, without a reason).
    public static func counts(_ kind: TraceEvent.Kind) -> Bool { kind == .sent || kind == .received }

    /// Counts one frame `kind` (sent or received) on `interface` at `time`.
    public mutating func add(interface: String?, kind: TraceEvent.Kind, frame: [UInt8], time: Int64) {
        let protocols = TraceSummary.protocolNames.count
        var place = 0
        while place < interfaces.count && interfaces[place] != interface { place += 1 }
        if place == interfaces.count {
            interfaces.append(interface)
            events.append(contentsOf: repeatElement(0, count: 2 * protocols))
            bytes.append(contentsOf: repeatElement(0, count: 2 * protocols))
        }
        let slot = (place * 2 + (kind == .sent ? 0 : 1)) * protocols + TraceSummary.protocolIndex(ofFrame: frame)
        events[slot] += 1
        bytes[slot] += frame.count
        counted(at: time)
    }

    /// Counts one event under `key` (of `bytes` bytes of frame) at `time`.
    public mutating func add(_ key: TraceSummary.Key, bytes: Int, time: Int64) {
        if lastKeyed >= keyed.count || keyed[lastKeyed].key != key {
            if let place = keyed.firstIndex(where: { $0.key == key }) {
                lastKeyed = place
            } else {
                keyed.append((key, TraceSummary.Tally()))
                lastKeyed = keyed.count - 1
            }
        }
        keyed[lastKeyed].tally.events += 1
        keyed[lastKeyed].tally.bytes += bytes
        counted(at: time)
    }

    /// One more event counted, at `time`.
    private mutating func counted(at time: Int64) {
        if total == 0 || time < first { first = time }
        if total == 0 || time > last { last = time }
        total += 1
    }

    /// The counts under the keys `TraceSummary.key` gives such frames, in slot order, then
    /// the other events' in the order first seen; the tally is empty afterwards.
    public mutating func take() -> [(key: TraceSummary.Key, tally: TraceSummary.Tally)] {
        guard total > 0 else { return [] }
        let protocols = TraceSummary.protocolNames.count
        var out: [(key: TraceSummary.Key, tally: TraceSummary.Tally)] = []
        for slot in events.indices where events[slot] > 0 {
            let place = slot / (2 * protocols), kind: TraceEvent.Kind = (slot / protocols) % 2 == 0 ? .sent : .received
            let key = TraceSummary.Key(interface: interfaces[place], kind: kind,
                                       proto: TraceSummary.protocolNames[slot % protocols], reason: nil)
            out.append((key, TraceSummary.Tally(events: events[slot], bytes: bytes[slot])))
            events[slot] = 0
            bytes[slot] = 0
        }
        for index in keyed.indices where keyed[index].tally.events > 0 {
            out.append(keyed[index])
            keyed[index].tally = TraceSummary.Tally()
        }
        total = 0
        return out
    }
}
