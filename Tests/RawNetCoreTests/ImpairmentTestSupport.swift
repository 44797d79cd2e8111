@testable import RawNetCore

/// Drives one impairment engine with scripted traffic and records what leaves.
struct ImpairedLink {
    var engine: ImpairmentEngine
    var outcomes: [ImpairmentOutcome] = []
    var released: [ReleasedFrame] = []

    init(_ settings: ImpairmentSettings, seed: UInt64 = 1) {
        engine = ImpairmentEngine(settings: settings, seed: seed)
    }

    /// Releases what is due at `now`, then submits `frame` at `now`.
    mutating func send(_ frame: [UInt8], at now: Instant) {
        releaseDue(now)
        let outcome = engine.submit(frame, now: now)
        outcomes.append(outcome)
        if outcome.isPassThrough {
            released.append(ReleasedFrame(bytes: frame, frameNumber: outcome.frameNumber, isDuplicate: false,
                                          submittedAt: now, releaseAt: now))
        }
    }

    mutating func releaseDue(_ now: Instant) {
        var out: [ReleasedFrame] = []
        engine.release(now: now) { out.append($0) }
        released += out
    }

    /// Releases everything, each frame exactly at its deadline.
    mutating func drain() {
        while let deadline = engine.nextDeadline() { releaseDue(deadline) }
    }

    /// Sends `count` frames of `size` bytes, one every `spacing`, then drains.
    mutating func run(count: Int, size: Int = 100, spacing: Duration = .milliseconds(1),
                      start: Instant = .zero) {
        var now = start
        for i in 0..<count {
            send(testFrame(i, size: size), at: now)
            now += spacing
        }
        drain()
    }

    /// Every event of every frame (original and duplicate).
    var allEvents: [ImpairmentEvent] { outcomes.flatMap { $0.events + $0.duplicateEvents } }
}

/// A frame whose first eight bytes are its index, padded with a pattern.
func testFrame(_ index: Int, size: Int = 100) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: max(size, 8))
    for k in 0..<8 { bytes[k] = UInt8(truncatingIfNeeded: UInt64(index) >> (56 - 8 * UInt64(k))) }
    for k in 8..<bytes.count { bytes[k] = UInt8(truncatingIfNeeded: k &* 31 &+ index) }
    return bytes
}

func mean(_ xs: [Double]) -> Double { xs.reduce(0, +) / Double(xs.count) }

func standardDeviation(_ xs: [Double]) -> Double {
    let m = mean(xs)
    return (xs.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(xs.count - 1)).squareRoot()
}

extension Duration {
    var milliseconds: Double { Double(nanoseconds) / 1e6 }
}
