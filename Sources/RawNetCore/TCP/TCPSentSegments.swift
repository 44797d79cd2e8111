/// One transmission the sender remembers until it is cumulatively acknowledged:
/// what RACK (RFC 8985) needs to judge it lost by time, and what delivery-rate
/// estimation (draft-cheng-iccrg-delivery-rate-estimation §3.2) notes when it leaves.
struct TCPSentSegment: Sendable {
    /// Send positions covered, FIN included.
    var start: Int
    var end: Int
    /// When it was last (re)transmitted.
    var sentAt: Instant
    var isRetransmitted = false
    var isSACKed = false
    /// Judged lost and not yet sent again.
    var isLost = false
    /// Delivery state of the connection when this was sent (the draft's
    /// P.delivered, P.delivered_time, P.first_sent_time, P.is_app_limited).
    var delivered: Int
    var deliveredAt: Instant
    var firstSentAt: Instant
    var isAppLimited: Bool

    var length: Int { end - start }
    /// Counted in flight: sent, neither SACKed nor marked lost.
    var isInFlight: Bool { !isSACKed && !isLost }
}

/// The segments sent and not yet cumulatively acknowledged, in send-position
/// order and contiguous from SND.UNA to SND.MAX.
struct TCPSentSegments: Sendable {
    private var storage: [TCPSentSegment] = []
    private var head = 0
    /// Records marked lost, kept as they change, so that asking whether any is
    /// lost (on every ACK) does not scan the flight.
    private var lostCount = 0

    var isEmpty: Bool { head == storage.count }
    var count: Int { storage.count - head }
    var indices: Range<Int> { head..<storage.count }
    var first: TCPSentSegment? { isEmpty ? nil : storage[head] }
    var last: TCPSentSegment? { isEmpty ? nil : storage[storage.count - 1] }

    subscript(index: Int) -> TCPSentSegment {
        get { storage[index] }
        set {
            if storage[index].isLost != newValue.isLost { lostCount += newValue.isLost ? 1 : -1 }
            storage[index] = newValue
        }
    }

    mutating func append(_ segment: TCPSentSegment) {
        if segment.isLost { lostCount += 1 }
        storage.append(segment)
    }

    mutating func removeAll() {
        storage.removeAll(keepingCapacity: true)
        head = 0
        lostCount = 0
    }

    /// Index of the segment holding `position`, if any (binary search).
    func index(containing position: Int) -> Int? {
        var low = head
        var high = storage.count
        while low < high {
            let middle = (low + high) / 2
            if storage[middle].end <= position { low = middle + 1 } else { high = middle }
        }
        guard low < storage.count, storage[low].start <= position else { return nil }
        return low
    }

    /// Makes `position` a boundary between two records (splitting the one across it).
    mutating func split(at position: Int) {
        guard let index = index(containing: position), storage[index].start < position else { return }
        var upper = storage[index]
        upper.start = position
        storage[index].end = position
        storage.insert(upper, at: index + 1)
        if upper.isLost { lostCount += 1 }
    }

    /// Removes the records wholly below `position`, handing each to `body` first;
    /// a record straddling `position` is trimmed to start there.
    mutating func removeAcknowledged(below position: Int, _ body: (TCPSentSegment) -> Void) {
        while head < storage.count, storage[head].end <= position {
            body(storage[head])
            if storage[head].isLost { lostCount -= 1 }
            head += 1
        }
        if head < storage.count, storage[head].start < position { storage[head].start = position }
        if head == storage.count {
            storage.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 256 && head * 2 >= storage.count {
            storage.removeFirst(head)
            head = 0
        }
    }

    /// Bytes in flight: sent, neither SACKed nor marked lost (RFC 8985 §6's view of pipe).
    var bytesInFlight: Int {
        var total = 0
        for index in head..<storage.count where storage[index].isInFlight { total += storage[index].length }
        return total
    }

    /// The lowest record marked lost, if any.
    var firstLostIndex: Int? {
        assert(lostCount == storage[head...].count(where: \.isLost), "lost records miscounted")
        guard lostCount > 0 else { return nil }
        for index in head..<storage.count where storage[index].isLost { return index }
        return nil
    }
}

/// One delivery-rate sample (draft-cheng-iccrg-delivery-rate-estimation §3.3):
/// bytes delivered over an interval, from the ACK that ends it.
public struct TCPRateSample: Sendable, Hashable {
    /// Bytes delivered during the interval.
    public var delivered: Int
    /// The longer of the send and ACK intervals of the sampled flight.
    public var interval: Duration
    /// True when the sender had too little data to fill the window when the
    /// sampled flight left, so the rate may understate the path.
    public var isAppLimited: Bool
    /// Delivered count when the sampled segment was sent (for round counting).
    public var priorDelivered: Int
    /// Round-trip time of the most recently sent segment this ACK delivered,
    /// nil when that was a retransmission.
    public var rtt: Duration?
    /// Bytes this ACK newly delivered (cumulatively or by SACK).
    public var newlyDelivered: Int
    /// False when the interval is shorter than the min RTT: ACK compression
    /// would inflate the rate (§3.3), so only the other fields count.
    public var isRateUsable: Bool

    public init(delivered: Int, interval: Duration, isAppLimited: Bool, priorDelivered: Int, rtt: Duration?,
                newlyDelivered: Int, isRateUsable: Bool = true) {
        self.delivered = delivered
        self.interval = interval
        self.isAppLimited = isAppLimited
        self.priorDelivered = priorDelivered
        self.rtt = rtt
        self.newlyDelivered = newlyDelivered
        self.isRateUsable = isRateUsable
    }

    /// Bytes per second, nil when the rate is not usable.
    public var bytesPerSecond: Double? {
        let seconds = interval.seconds
        return isRateUsable && seconds > 0 ? Double(delivered) / seconds : nil
    }
}

/// The connection-wide half of delivery-rate estimation: C.delivered,
/// C.delivered_time, C.first_sent_time, C.app_limited, and the sample being
/// built from one ACK.
struct TCPDeliveryRateEstimator: Sendable {
    private(set) var delivered = 0
    private var deliveredAt = Instant.zero
    private var firstSentAt = Instant.zero
    /// Delivered count at which the current app-limited phase ends; 0 when not app-limited.
    private var appLimitedUntil = 0

    // The sample under construction (rs.* of the draft).
    private var priorDelivered = 0
    private var priorAt: Instant?
    private var sendElapsed = Duration.zero
    private var ackElapsed = Duration.zero
    private var isSampleAppLimited = false
    private var newestSentAt: Instant?
    private var newestRTT: Duration?
    private var newlyDelivered = 0

    /// Fills in the delivery state of a segment about to be sent.
    mutating func stamp(_ segment: inout TCPSentSegment, nothingInFlight: Bool, now: Instant) {
        if nothingInFlight {
            firstSentAt = now
            deliveredAt = now
        }
        segment.delivered = delivered
        segment.deliveredAt = deliveredAt
        segment.firstSentAt = firstSentAt
        segment.isAppLimited = appLimitedUntil != 0
    }

    /// The sender ran out of data with room left in its window (§3.4).
    mutating func markAppLimited(bytesInFlight: Int) {
        appLimitedUntil = Swift.max(delivered + bytesInFlight, 1)
    }

    /// A segment was delivered (cumulatively or by SACK) for the first time.
    mutating func onDelivered(_ segment: TCPSentSegment, now: Instant) {
        delivered += segment.length
        newlyDelivered += segment.length
        deliveredAt = now
        if priorAt == nil || segment.delivered >= priorDelivered {
            priorDelivered = segment.delivered
            priorAt = segment.deliveredAt
            isSampleAppLimited = segment.isAppLimited
            sendElapsed = segment.sentAt - segment.firstSentAt
            ackElapsed = deliveredAt - segment.deliveredAt
            firstSentAt = segment.sentAt
        }
        if newestSentAt == nil || segment.sentAt >= newestSentAt! {
            newestSentAt = segment.sentAt
            newestRTT = segment.isRetransmitted ? nil : now - segment.sentAt
        }
    }

    /// Ends the ACK: returns its sample, nil if it delivered nothing. A rate over
    /// an interval shorter than `minimumInterval` (the min RTT) is marked unusable.
    mutating func finishSample(minimumInterval: Duration?) -> TCPRateSample? {
        defer {
            priorAt = nil
            newestSentAt = nil
            newestRTT = nil
            newlyDelivered = 0
        }
        if appLimitedUntil != 0 && delivered > appLimitedUntil { appLimitedUntil = 0 }
        guard priorAt != nil, newlyDelivered > 0 else { return nil }
        let interval = Swift.max(sendElapsed, ackElapsed)
        let isUsable = interval > .zero && interval >= (minimumInterval ?? .zero)
        return TCPRateSample(delivered: delivered - priorDelivered, interval: interval,
                             isAppLimited: isSampleAppLimited, priorDelivered: priorDelivered,
                             rtt: newestRTT, newlyDelivered: newlyDelivered, isRateUsable: isUsable)
    }

    /// The RTT of the newest segment delivered by the ACK being processed, before ``finishSample``.
    var currentRTT: Duration? { newestRTT }
}
