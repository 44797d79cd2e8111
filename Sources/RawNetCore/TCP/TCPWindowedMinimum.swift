/// The least of the samples taken within the last `window` (RFC 8985 §6.1
/// asks for a windowed minimum RTT, so a path that grew longer is learnt
/// again). Three candidates are kept instead of every sample: the best, and
/// the best of later and later parts of the window, each with when it was
/// taken. When the best ages out the next one takes its place; a candidate
/// that was not replaced for a quarter (the second) or half (the third) of
/// the window is refreshed with the newest sample, so they stay spread out.
struct TCPWindowedMinimum: Sendable {
    struct Sample: Sendable, Equatable {
        var value: Duration
        var at: Instant
    }

    let window: Duration
    private(set) var best: Sample?
    private var second: Sample?
    private var third: Sample?

    init(window: Duration) { self.window = window }

    var value: Duration? { best?.value }

    mutating func add(_ value: Duration, at now: Instant) {
        let sample = Sample(value: value, at: now)
        guard let best, let second, let third, value > best.value, now - third.at <= window else {
            // A new minimum, or every candidate aged out: start over.
            (self.best, self.second, self.third) = (sample, sample, sample)
            return
        }
        if value <= second.value {
            (self.second, self.third) = (sample, sample)
        } else if value <= third.value {
            self.third = sample
        }
        let age = now - best.at
        if age > window {
            // The best aged out: the others move up, the newest sample comes last.
            (self.best, self.second, self.third) = (self.second, self.third, sample)
            if now - self.best!.at > window { (self.best, self.second, self.third) = (self.second, self.third, sample) }
        } else if self.second == best, age > window / 4 {
            (self.second, self.third) = (sample, sample)
        } else if self.third == self.second, age > window / 2 {
            self.third = sample
        }
    }
}
