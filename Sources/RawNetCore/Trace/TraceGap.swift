/// A run of trace events one subscriber did not get because it was too far
/// behind (principle 8: no event lost without a visible gap). The daemon counts
/// what it could not queue and, once the subscriber has caught up, streams one
/// `lost` event in their place; `trace` prints it as a line, `capture` as pcapng
/// drop counts. This type is the one writer and reader of that event's detail:
///
///     events=412 first=1764745200000000000 last=1764745200031000000 frames.eth0=200 frames.eth1=150
///
/// `frames.IF` counts the lost events that were frames on interface IF (`isWireFrame`),
/// which is what a capture of IF misses.
public struct TraceGap: Sendable, Hashable {
    /// Why the events were lost, the `reason` of the `lost` event.
    public static let subscriberTooSlow = "subscriber too slow"

    /// Every lost event.
    public private(set) var events = 0
    /// Lost frames per interface name.
    public private(set) var frames: [String: Int] = [:]
    /// Wall-clock times of the first and last lost event.
    public private(set) var firstTime: Int64 = 0
    public private(set) var lastTime: Int64 = 0

    public init() {}

    /// All lost frames, whatever their interface.
    public var frameCount: Int { frames.values.reduce(0, +) }

    /// Counts one event the subscriber will not get.
    public mutating func add(_ event: TraceEvent) {
        if events == 0 { firstTime = event.time }
        events += 1
        lastTime = max(lastTime, event.time)
        if event.isWireFrame, let interface = event.interface { frames[interface, default: 0] += 1 }
    }

    /// The `lost` event that stands for these events in `node`'s stream.
    public func event(node: String) -> TraceEvent {
        var words = ["events=\(events)", "first=\(firstTime)", "last=\(lastTime)"]
        words += frames.keys.sorted().map { "frames.\($0)=\(frames[$0] ?? 0)" }
        return TraceEvent(time: firstTime, node: node, kind: .lost, reason: Self.subscriberTooSlow,
                          detail: words.joined(separator: " "))
    }

    /// Reads a `lost` event back; nil for any other event or a detail it cannot read.
    public init?(_ event: TraceEvent) {
        guard event.kind == .lost, let detail = event.detail else { return nil }
        for word in detail.split(separator: " ") {
            guard let equals = word.firstIndex(of: "="), let value = Int64(word[word.index(after: equals)...]),
                  value >= 0 else { return nil }
            let key = word[..<equals]
            switch key {
            case "events": events = Int(value)
            case "first": firstTime = value
            case "last": lastTime = value
            default:
                guard key.hasPrefix("frames."), key.count > 7 else { continue }
                frames[String(key.dropFirst(7))] = Int(value)
            }
        }
    }
}
