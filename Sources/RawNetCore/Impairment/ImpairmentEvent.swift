/// One thing the impairment did to one copy of a frame; what the trace shows.
///
/// Every copy that survives ends with exactly one of `.passed`, `.delayed`
/// or `.heldBack`; a lost copy ends with `.dropped`. Before that may come
/// `.corrupted`, `.queued` and `.reordered`.
public enum ImpairmentEvent: Hashable, Sendable, CustomStringConvertible {
    /// Leaves with nothing added: now, or on a rate-limited line once its bits are sent.
    case passed
    /// Never leaves.
    case dropped(ImpairmentDropReason)
    /// Leaves this long after its last bit is on the line (delay, jitter and keeping order
    /// together; without a rate, after it was submitted). A line rate's wait is `queued`'s.
    case delayed(Duration)
    /// A second copy was made; its own events are listed separately.
    case duplicated
    /// One bit was flipped: `frame[byteOffset] ^= 1 << bit` (bit 0 is the least significant).
    case corrupted(byteOffset: Int, bit: Int)
    /// Waited for the line behind `behind` frames; it starts being sent after `wait`.
    case queued(behind: Int, wait: Duration)
    /// Sent ahead of earlier frames (netem style: skips the delay).
    case reordered
    /// Held back until this many later frames have left.
    case heldBack(frames: Int)

    public var description: String {
        switch self {
        case .passed: return "passed"
        case let .dropped(reason): return "dropped (\(reason))"
        case let .delayed(d): return "delayed \(ImpairmentText.duration(d))"
        case .duplicated: return "duplicated"
        case let .corrupted(offset, bit): return "corrupted byte \(offset) bit \(bit)"
        case let .queued(behind, wait): return "queued behind \(behind) for \(ImpairmentText.duration(wait))"
        case .reordered: return "reordered"
        case let .heldBack(n): return "held back \(n) frame\(n == 1 ? "" : "s")"
        }
    }
}

/// Why the impairment dropped a frame.
public enum ImpairmentDropReason: String, Hashable, Sendable, Codable, CustomStringConvertible {
    /// Random loss (`loss`).
    case randomLoss
    /// The Gilbert–Elliott model (`gemodel`).
    case burstLoss
    /// The queue was full (tail drop), or shrank below what it held.
    case queueFull
    /// A one-shot rule chose it (`drop-next`).
    case onRequest

    public var description: String {
        switch self {
        case .onRequest: return "on request"
        case .randomLoss: return "random loss"
        case .burstLoss: return "burst loss"
        case .queueFull: return "queue full"
        }
    }
}

/// What happened to one submitted frame.
public struct ImpairmentOutcome: Hashable, Sendable, CustomStringConvertible {
    /// The frame's number on this engine (1, 2, 3, …).
    public var frameNumber: UInt64
    /// True when the engine kept nothing: the caller sends the frame itself, now, unchanged.
    public var isPassThrough: Bool
    /// Events of the original copy.
    public var events: [ImpairmentEvent]
    /// Events of the duplicate, empty when there is none.
    public var duplicateEvents: [ImpairmentEvent]

    /// The original's events, then (after `.duplicated`) the duplicate's.
    public var allEvents: [ImpairmentEvent] {
        duplicateEvents.isEmpty ? events : events + [.duplicated] + duplicateEvents
    }

    public var description: String {
        var text = "frame \(frameNumber): " + events.map(\.description).joined(separator: ", ")
        if !duplicateEvents.isEmpty {
            text += "; duplicate: " + duplicateEvents.map(\.description).joined(separator: ", ")
        }
        return text
    }
}

/// A frame leaving the impairment.
public struct ReleasedFrame: Hashable, Sendable {
    /// The bytes (corrupted if the impairment said so).
    public var bytes: [UInt8]
    /// The number `submit` gave the frame.
    public var frameNumber: UInt64
    /// True for the second copy of a duplicated frame.
    public var isDuplicate: Bool
    /// When the frame was submitted.
    public var submittedAt: Instant
    /// When it was due to leave (not later than the `now` it was released at).
    public var releaseAt: Instant
}

/// Running totals of an engine, for `status` and tests.
public struct ImpairmentCounters: Hashable, Sendable, Codable {
    /// Frames given to `submit`.
    public var submitted: UInt64 = 0
    /// Frames given back by the fast path (perfect wire, nothing in flight).
    public var passedThrough: UInt64 = 0
    /// Frames (copies included) that left through `release`.
    public var released: UInt64 = 0
    /// Copies dropped by random loss.
    public var droppedRandomLoss: UInt64 = 0
    /// Copies dropped by the Gilbert–Elliott model.
    public var droppedBurstLoss: UInt64 = 0
    /// Copies dropped because the queue was full.
    public var droppedQueueFull: UInt64 = 0
    /// Frames a `drop-next` rule dropped.
    public var droppedOnRequest: UInt64 = 0
    /// Frames sent twice.
    public var duplicated: UInt64 = 0
    /// Copies with a flipped bit.
    public var corrupted: UInt64 = 0
    /// Copies that skipped the delay (netem-style reordering).
    public var reordered: UInt64 = 0
    /// Copies held back behind later frames.
    public var heldBack: UInt64 = 0
    /// Copies that left later than they arrived.
    public var delayed: UInt64 = 0
    /// Copies that waited for the line (the rate limit) behind earlier ones.
    public var queued: UInt64 = 0

    /// All drops together.
    public var dropped: UInt64 { droppedRandomLoss + droppedBurstLoss + droppedQueueFull + droppedOnRequest }

    public init() {}
}
