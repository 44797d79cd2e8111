import HeapModule

extension ImpairmentEngine {
    // MARK: - Releasing

    /// Frames whose release time has come, in release order.
    public mutating func release(now: Instant) -> [[UInt8]] {
        var frames: [[UInt8]] = []
        release(now: now) { frames.append($0.bytes) }
        return frames
    }

    /// Hands each frame whose release time has come to `deliver`, in release order.
    public mutating func release(now: Instant, _ deliver: (ReleasedFrame) -> Void) {
        advance(to: now)
        while let frame = ready.popFirst() { deliver(frame) }
        refreshFastPath()
    }

    /// The earliest time a frame is due, or `nil` when the engine holds nothing.
    public func nextDeadline() -> Instant? {
        if let first = ready.first { return first.releaseAt }
        var deadline = scheduled.min?.frame.releaseAt
        for frame in held where deadline == nil || frame.timeoutAt < deadline! {
            deadline = frame.timeoutAt
        }
        return deadline
    }

    /// Moves every frame due at `now` to `ready`, in release order, counting
    /// departures for held-back frames.
    mutating func advance(to now: Instant) {
        while true {
            // A held-back frame whose wait ran out joins the schedule at its timeout.
            if let index = earliestHeldTimeout(), held[index].timeoutAt <= now,
               scheduled.min.map({ held[index].timeoutAt <= $0.frame.releaseAt }) ?? true {
                let frame = held.remove(at: index)
                var entry = ScheduledFrame(frame: frame.frame, order: frame.order)
                entry.frame.releaseAt = frame.timeoutAt
                scheduled.insert(entry)
            }
            guard let next = scheduled.min, next.frame.releaseAt <= now else { return }
            _ = scheduled.popMin()
            ready.append(next.frame)
            counters.released &+= 1
            if !held.isEmpty { countDeparture(of: next) }
        }
    }

    private func earliestHeldTimeout() -> Int? {
        guard !held.isEmpty else { return nil }
        var best = 0
        for i in held.indices where held[i].timeoutAt < held[best].timeoutAt { best = i }
        return best
    }

    /// A frame left: every frame held back before it has one fewer to wait for.
    /// Those done waiting are scheduled at once (but not before their own release time).
    private mutating func countDeparture(of departed: ScheduledFrame) {
        var i = 0
        while i < held.count {
            if held[i].order < departed.order {
                held[i].remaining -= 1
                if held[i].remaining <= 0 {
                    let frame = held.remove(at: i)
                    var entry = ScheduledFrame(frame: frame.frame, order: frame.order)
                    entry.frame.releaseAt = max(frame.frame.releaseAt, departed.frame.releaseAt)
                    scheduled.insert(entry)
                    continue
                }
            }
            i += 1
        }
    }

    // MARK: - Changing settings

    /// Applies new settings at once. Frames already scheduled keep their release
    /// time; frames held back stay held if the new settings still reorder, and
    /// are otherwise scheduled at their own release time (or now). If the new
    /// queue limit is below what the engine holds, the newest frames are dropped.
    /// - Returns: how many frames were dropped to fit the new queue limit.
    @discardableResult
    public mutating func update(_ newSettings: ImpairmentSettings, now: Instant) -> Int {
        advance(to: now)
        let old = settings
        let new = newSettings.clamped()
        if let s = new.seed, s != old.seed {
            seed = s
            streams = Streams(seed: s)
        }
        if new.lossBurst != old.lossBurst { burstIsBad = false }
        if new.reorder != old.reorder || new.reorderGap != old.reorderGap { reorderCounter = 0 }
        if new.rateBitsPerSecond != old.rateBitsPerSecond { lineCarry = 0 }
        oneShotHoldBack = (new.reorder == 0 ? new.holdBack : nil)
        if new.reorder == 0, !held.isEmpty {
            for frame in held {
                var entry = ScheduledFrame(frame: frame.frame, order: frame.order)
                entry.frame.releaseAt = max(frame.frame.releaseAt, now)
                scheduled.insert(entry)
            }
            held.removeAll()
        }
        if new.isPerfect {
            burstIsBad = false
            reorderCounter = 0
            lineCarry = 0
            lineQueue.removeAll()
        }
        settings = new
        let dropped = shrink(to: new.queueLimit)
        refreshFastPath()
        return dropped
    }

    /// Starts every random stream again from `seed` (and forgets the burst
    /// state and the reorder gap count), so the same traffic meets the same
    /// fates as the last time this seed was set. Settings and frames in flight stay.
    public mutating func reseed(_ seed: UInt64) {
        self.seed = seed
        settings.seed = seed
        streams = Streams(seed: seed)
        burstIsBad = false
        reorderCounter = 0
    }

    /// Back to a perfect wire: nothing is lost, delayed or held from now on.
    /// Frames in flight still leave at their release time; held-back ones are let go.
    public mutating func clear(now: Instant) {
        update(.perfect, now: now)
    }

    /// Drops the newest frames until at most `limit` are scheduled or held.
    private mutating func shrink(to limit: Int) -> Int {
        let excess = scheduled.count + held.count - limit
        guard excess > 0 else { return 0 }
        var all = Array(scheduled.unordered).map { (order: $0.order, held: false) }
        all += held.map { (order: $0.order, held: true) }
        all.sort { $0.order > $1.order }
        let doomed = Set(all.prefix(excess).map(\.order))
        scheduled = Heap(scheduled.unordered.filter { !doomed.contains($0.order) })
        held.removeAll { doomed.contains($0.order) }
        counters.droppedQueueFull &+= UInt64(excess)
        return excess
    }
}

/// A copy waiting for its release time; ordered by time, then by arrival.
struct ScheduledFrame: Comparable, Sendable {
    var frame: ReleasedFrame
    var order: UInt64

    static func < (a: ScheduledFrame, b: ScheduledFrame) -> Bool {
        a.frame.releaseAt != b.frame.releaseAt ? a.frame.releaseAt < b.frame.releaseAt : a.order < b.order
    }

    static func == (a: ScheduledFrame, b: ScheduledFrame) -> Bool { a.order == b.order }
}

/// A copy held back until `remaining` later copies have left, or `timeoutAt`.
struct HeldFrame: Sendable {
    var frame: ReleasedFrame
    var order: UInt64
    var remaining: Int
    var timeoutAt: Instant
}

/// One random stream per kind of decision.
struct Streams: Sendable {
    var loss: SeededRandom
    var burst: SeededRandom
    var duplicate: SeededRandom
    var corrupt: SeededRandom
    var reorder: SeededRandom
    var delay: SeededRandom

    init(seed: UInt64) {
        let root = SeededRandom(seed: seed)
        loss = root.derived("loss")
        burst = root.derived("gemodel")
        duplicate = root.derived("duplicate")
        corrupt = root.derived("corrupt")
        reorder = root.derived("reorder")
        delay = root.derived("delay")
    }
}

extension SeededRandom {
    /// One frame through a Gilbert–Elliott model: decides loss in the current
    /// state, then moves the state. Returns true when the frame is lost.
    mutating func step(_ isBad: inout Bool, model: GilbertElliott) -> Bool {
        let lost = chance(isBad ? model.oneMinusH : model.oneMinusK)
        if isBad {
            if chance(model.r) { isBad = false }
        } else if chance(model.p) {
            isBad = true
        }
        return lost
    }
}

extension ImpairmentSettings {
    /// The same settings with every value forced into range (never traps).
    func clamped() -> ImpairmentSettings {
        func unit(_ x: Double) -> Double { x.isNaN ? 0 : min(max(x, 0), 1) }
        var s = self
        s.loss = unit(loss)
        s.reorder = unit(reorder)
        s.duplicate = unit(duplicate)
        s.corrupt = unit(corrupt)
        if let b = lossBurst {
            s.lossBurst = GilbertElliott(p: unit(b.p), r: unit(b.r),
                                         oneMinusH: unit(b.oneMinusH), oneMinusK: unit(b.oneMinusK))
        }
        s.reorderGap = max(reorderGap, 0)
        s.holdBack = holdBack.map { max($0, 1) }
        s.holdBackTimeout = max(holdBackTimeout, .zero)
        s.delay = max(delay, .zero)
        s.jitter = max(jitter, .zero)
        s.rateBitsPerSecond = rateBitsPerSecond.map { max($0, 1) }
        s.queueLimit = max(queueLimit, 1)
        return s
    }
}
