import RawNetCore
import RawNetWire

/// A packet in flight in the simulation: a TCP segment, and whether the link
/// damaged it (the receiver's checksum then rejects it).
public struct SimPacket: Sendable {
    public var segment: TCPSegment
    public var isCorrupted: Bool
    public init(segment: TCPSegment, isCorrupted: Bool = false) {
        self.segment = segment
        self.isCorrupted = isCorrupted
    }
}

/// One direction of a link. The simulation only needs these three calls, so the
/// impairment engine can replace ``SeededLink`` without touching the rest.
public protocol SimLinkModel: Sendable {
    mutating func submit(_ packet: SimPacket, now: Instant)
    mutating func release(now: Instant) -> [SimPacket]
    func nextDeadline() -> Instant?
}

/// Impairments of one link direction. Probabilities are 0...1.
public struct SimLinkSettings: Sendable, Hashable, CustomStringConvertible {
    public var delay: Duration = .milliseconds(5)
    public var loss = 0.0
    public var reorder = 0.0
    /// Extra delay of a reordered packet (it arrives after packets sent later).
    public var reorderDelay: Duration = .milliseconds(2)
    public var duplicate = 0.0
    public var corrupt = 0.0
    /// Bits per second; nil for unlimited.
    public var rate: Int?
    /// Bytes that may wait for the rate limiter before tail drop.
    public var queueLimit = 256 * 1500

    public init(delay: Duration = .milliseconds(5), loss: Double = 0, reorder: Double = 0,
                duplicate: Double = 0, corrupt: Double = 0, rate: Int? = nil) {
        self.delay = delay
        self.loss = loss
        self.reorder = reorder
        self.duplicate = duplicate
        self.corrupt = corrupt
        self.rate = rate
        reorderDelay = Swift.max(delay, .microseconds(100))
    }

    public var description: String {
        "delay=\(delay) loss=\(loss) reorder=\(reorder) dup=\(duplicate) corrupt=\(corrupt)"
            + (rate.map { " rate=\($0)bit/s" } ?? "")
    }
}

/// Counts of what a link did.
public struct SimLinkCounters: Sendable, Hashable {
    public var submitted = 0
    public var delivered = 0
    public var lost = 0
    public var reordered = 0
    public var duplicated = 0
    public var corrupted = 0
    public var queueDrops = 0
}

/// A minimal seeded link: fixed delay, optional rate limit with a bounded queue,
/// random loss, reordering, duplication and corruption.
public struct SeededLink: SimLinkModel {
    public var settings: SimLinkSettings
    public private(set) var counters = SimLinkCounters()
    private var random: SeededRandom
    private var inFlight: [(at: Instant, order: Int, packet: SimPacket)] = []
    private var order = 0
    private var linkFreeAt = Instant.zero

    public init(settings: SimLinkSettings, seed: UInt64) {
        self.settings = settings
        random = SeededRandom(seed: seed)
    }

    public mutating func submit(_ packet: SimPacket, now: Instant) {
        counters.submitted += 1
        var departure = now
        if let rate = settings.rate, rate > 0 {
            let bits = Int64(packet.segment.payload.count + 40) * 8
            let start = Swift.max(now, linkFreeAt)
            let queuedBytes = (start - now).nanoseconds * Int64(rate) / 8_000_000_000
            if queuedBytes > Int64(settings.queueLimit) {
                counters.queueDrops += 1
                return
            }
            departure = start + .nanoseconds(bits * 1_000_000_000 / Int64(rate))
            linkFreeAt = departure
        }
        if random.chance(settings.loss) {
            counters.lost += 1
            return
        }
        var copy = packet
        if random.chance(settings.corrupt) {
            copy.isCorrupted = true
            counters.corrupted += 1
        }
        var at = departure + settings.delay
        if random.chance(settings.reorder) {
            at = at + .nanoseconds(Int64(random.nextUnit() * Double(settings.reorderDelay.nanoseconds) * 2))
            counters.reordered += 1
        }
        enqueue(copy, at: at)
        if random.chance(settings.duplicate) {
            counters.duplicated += 1
            enqueue(packet, at: at + .microseconds(10))
        }
    }

    private mutating func enqueue(_ packet: SimPacket, at: Instant) {
        order += 1
        var index = inFlight.count
        while index > 0 && inFlight[index - 1].at > at { index -= 1 }
        inFlight.insert((at, order, packet), at: index)
    }

    public mutating func release(now: Instant) -> [SimPacket] {
        var count = 0
        while count < inFlight.count && inFlight[count].at <= now { count += 1 }
        guard count > 0 else { return [] }
        let due = inFlight[0..<count].map(\.packet)
        inFlight.removeFirst(count)
        counters.delivered += due.count
        return due
    }

    public func nextDeadline() -> Instant? { inFlight.first?.at }
}
