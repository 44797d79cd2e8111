import DequeModule
import HeapModule

/// The impairment on the egress of one interface: an I/O-free, seeded netem.
///
/// Call ``submit(_:now:)`` for each frame leaving the interface. If the
/// outcome says ``ImpairmentOutcome/isPassThrough`` the caller sends the frame
/// itself at once (the fast path of a perfect wire). Otherwise the engine keeps
/// the frame; call ``release(now:)`` whenever ``nextDeadline()`` has come.
///
/// Stages, in order, for each frame:
/// 1. **Loss.** The Gilbert–Elliott model (if set) and random loss each decide;
///    either can drop the frame.
/// 2. **Duplication.** A surviving frame may be copied; each copy goes through
///    the remaining stages on its own.
/// 3. **Corruption.** One bit anywhere in the copy is flipped. Checksums are
///    never repaired: downstream parsers must notice.
/// 4. **Queue limit.** If the engine already holds `queueLimit` frames the copy
///    is dropped (tail drop).
/// 5. **Rate.** Copies are put on the line one after another; a copy of `L`
///    bytes occupies it for `8·L / rate` seconds.
/// 6. **Reordering.** A chosen copy either skips the delay (netem style, when a
///    delay is set and `holdBack` is not) or is held back until `holdBack`
///    (default 1) later frames have left.
/// 7. **Delay and jitter.** The copy leaves `delay ± jitter` after its last bit
///    was sent.
///
/// **Order rule.** Jitter never reorders: a copy is never released before an
/// earlier copy that was not reordered (its release time is raised to that of
/// the previous ordered copy). Only the reordering stage changes the order.
///
/// **Reproducibility.** Each kind of decision (loss, burst, duplication,
/// corruption, reordering, jitter) draws from its own stream derived from the
/// seed, so turning one impairment on does not change the fates another one
/// gives. The same seed, settings and traffic (sizes and times) give the same
/// fates.
public struct ImpairmentEngine: Sendable {
    /// The settings in force (clamped into range).
    public internal(set) var settings: ImpairmentSettings
    /// The seed the random streams were last started from.
    public internal(set) var seed: UInt64
    /// Running totals.
    public internal(set) var counters = ImpairmentCounters()

    var streams: Streams
    var burstIsBad = false
    var reorderCounter = 0
    var oneShotHoldBack: Int?
    var lineFreeAt = Instant(nanoseconds: .min)
    var lineCarry: Int64 = 0
    var lineQueue = Deque<Instant>()
    var lastOrderedRelease = Instant(nanoseconds: .min)
    var frameCount: UInt64 = 0
    var copyCount: UInt64 = 0
    var scheduled = Heap<ScheduledFrame>()
    var held: [HeldFrame] = []
    var ready = Deque<ReleasedFrame>()
    var isFastPath = true
    var dropRule: ImpairmentRule?
    var corruptRule: ImpairmentRule?

    /// Creates an engine. `seed` is used unless `settings.seed` is set.
    public init(settings: ImpairmentSettings = .perfect, seed: UInt64) {
        let clean = settings.clamped()
        self.settings = clean
        self.seed = clean.seed ?? seed
        self.streams = Streams(seed: clean.seed ?? seed)
        if clean.reorder == 0, let n = clean.holdBack { oneShotHoldBack = n }
        refreshFastPath()
    }

    /// Frames the engine holds (scheduled, held back, or due but not yet released).
    public var pendingCount: Int { scheduled.count + held.count + ready.count }

    // MARK: - Submitting

    /// The perfect-wire fast path without an outcome or a clock reading: when
    /// the engine is idle (nothing set, nothing held) it counts the frame as
    /// passed through and returns true, and the caller sends it at once, as
    /// after a pass-through ``submit(_:now:)``. Otherwise it returns false and
    /// counts nothing: submit the frame.
    public mutating func passThroughIfIdle() -> Bool {
        guard isFastPath else { return false }
        frameCount &+= 1
        counters.submitted &+= 1
        counters.passedThrough &+= 1
        return true
    }

    /// Decides the fate of one frame entering the link at `now`.
    public mutating func submit(_ frame: [UInt8], now: Instant) -> ImpairmentOutcome {
        if passThroughIfIdle() {
            return ImpairmentOutcome(frameNumber: frameCount, isPassThrough: true,
                                     events: ImpairmentOutcome.passedOnly, duplicateEvents: [])
        }
        frameCount &+= 1
        counters.submitted &+= 1
        advance(to: now)
        isFastPath = false
        let number = frameCount

        if dropRule?.takes(frame) == true {
            counters.droppedOnRequest &+= 1
            if dropRule?.isPending == false { refreshFastPath() }
            return ImpairmentOutcome(frameNumber: number, isPassThrough: false,
                                     events: [.dropped(.onRequest)], duplicateEvents: [])
        }
        var chosen = frame
        var corruptedAt: Int?
        if corruptRule?.takes(frame) == true, let offset = ImpairmentRule.flipLastBit(&chosen) {
            counters.corrupted &+= 1
            corruptedAt = offset
        }
        let burstLost = settings.lossBurst.map { streams.burst.step(&burstIsBad, model: $0) } ?? false
        let randomLost = streams.loss.chance(settings.loss)
        if burstLost || randomLost {
            let reason: ImpairmentDropReason = burstLost ? .burstLoss : .randomLoss
            if burstLost { counters.droppedBurstLoss &+= 1 } else { counters.droppedRandomLoss &+= 1 }
            return ImpairmentOutcome(frameNumber: number, isPassThrough: false,
                                     events: [.dropped(reason)], duplicateEvents: [])
        }
        let twice = streams.duplicate.chance(settings.duplicate)
        var events = place(chosen, number: number, isDuplicate: false, now: now)
        if let offset = corruptedAt { events.insert(.corrupted(byteOffset: offset, bit: 0), at: 0) }
        var duplicateEvents: [ImpairmentEvent] = []
        if twice {
            counters.duplicated &+= 1
            duplicateEvents = place(chosen, number: number, isDuplicate: true, now: now)
        }
        return ImpairmentOutcome(frameNumber: number, isPassThrough: false,
                                 events: events, duplicateEvents: duplicateEvents)
    }

    /// Runs one copy through corruption, the queue, the line, reordering and delay.
    private mutating func place(_ frame: [UInt8], number: UInt64, isDuplicate: Bool, now: Instant) -> [ImpairmentEvent] {
        var events: [ImpairmentEvent] = []
        var bytes = frame
        if !bytes.isEmpty, streams.corrupt.chance(settings.corrupt) {
            let offset = Int(streams.corrupt.next() % UInt64(bytes.count))
            let bit = Int(streams.corrupt.next() % 8)
            bytes[offset] ^= UInt8(1) << UInt8(bit)
            counters.corrupted &+= 1
            events.append(.corrupted(byteOffset: offset, bit: bit))
        }
        if scheduled.count + held.count >= settings.queueLimit {
            counters.droppedQueueFull &+= 1
            events.append(.dropped(.queueFull))
            return events
        }

        // The line: serialization at the rate, one copy after another.
        var sent = now
        if let rate = settings.rateBitsPerSecond {
            while let first = lineQueue.first, first <= now { lineQueue.removeFirst() }
            let begin: Instant
            if lineFreeAt > now {
                begin = lineFreeAt
                counters.queued &+= 1
                events.append(.queued(behind: lineQueue.count, wait: begin - now))
            } else {
                begin = now
                lineCarry = 0
            }
            let total = Int64(bytes.count) * 8 * 1_000_000_000 + lineCarry
            let rate64 = Int64(rate)
            lineCarry = total % rate64
            sent = begin + .nanoseconds(total / rate64)
            lineFreeAt = sent
            lineQueue.append(sent)
        }

        // Reordering decision (netem's gap counter).
        var isReordered = false
        var holdFrames: Int?
        if let n = oneShotHoldBack {
            oneShotHoldBack = nil
            holdFrames = n
        } else if settings.reorder > 0 {
            let gap = max(settings.reorderGap, 1)
            if reorderCounter >= gap - 1, streams.reorder.chance(settings.reorder) {
                reorderCounter = 0
                isReordered = true
                if let n = settings.holdBack {
                    holdFrames = n
                } else if settings.delay == .zero {
                    holdFrames = 1
                }
            } else {
                reorderCounter += 1
            }
        }

        // Delay and jitter after the last bit is sent.
        var release = sent + sampleDelay()
        copyCount &+= 1
        let order = copyCount
        let leaving = ReleasedFrame(bytes: bytes, frameNumber: number, isDuplicate: isDuplicate,
                                    submittedAt: now, releaseAt: release)
        if let n = holdFrames {
            counters.heldBack &+= 1
            counters.reordered &+= 1
            events.append(.heldBack(frames: n))
            held.append(HeldFrame(frame: leaving, order: order, remaining: n,
                                  timeoutAt: release + settings.holdBackTimeout))
            return events
        }
        if isReordered {
            release = sent
            counters.reordered &+= 1
            events.append(.reordered)
        } else {
            if release < lastOrderedRelease { release = lastOrderedRelease }
            lastOrderedRelease = release
        }
        var entry = ScheduledFrame(frame: leaving, order: order)
        entry.frame.releaseAt = release
        scheduled.insert(entry)
        // What the delay, jitter and keeping order added after the line: a line rate's own wait
        // is `.queued`'s, so `delayed` counts what --delay did, not every frame of a slow line.
        if release > sent {
            counters.delayed &+= 1
            events.append(.delayed(release - sent))
        } else {
            events.append(.passed)
        }
        return events
    }

    private mutating func sampleDelay() -> Duration {
        let base = settings.delay.nanoseconds
        let spread = settings.jitter.nanoseconds
        guard spread > 0 else { return .nanoseconds(min(base, 100_000_000_000_000_000)) }
        let deviation: Double
        switch settings.distribution {
        case .uniform: deviation = (2 * streams.delay.nextUnit() - 1) * Double(spread)
        case .normal: deviation = streams.delay.nextGaussian() * Double(spread)
        }
        let total = (Double(base) + deviation).rounded()
        if !(total > 0) { return .zero }
        // Capped at about three years so instants never wrap.
        return .nanoseconds(total >= 1e17 ? Int64(1e17) : Int64(total))
    }

    func refreshFastPathValue() -> Bool {
        settings.isPerfect && scheduled.isEmpty && held.isEmpty && ready.isEmpty && oneShotHoldBack == nil
            && !hasPendingRule
    }

    mutating func refreshFastPath() { isFastPath = refreshFastPathValue() }
}

extension ImpairmentOutcome {
    static let passedOnly: [ImpairmentEvent] = [.passed]
}
