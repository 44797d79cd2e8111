/// What an impaired link does to the frames leaving an interface: the same
/// set as Linux netem (`tc-netem(8)`), with a seed so a run can be replayed.
///
/// All values zero (``perfect``) is a perfect wire. The engine applies the
/// stages in this order to each frame (see ``ImpairmentEngine``):
/// loss → duplication → (per copy) corruption → queue limit → rate →
/// reordering / hold-back → delay and jitter.
public struct ImpairmentSettings: Hashable, Codable, Sendable {
    /// Probability (0...1) that a frame is lost, independently of the others.
    public var loss: Double
    /// Bursty loss from a Gilbert–Elliott model. Applied in addition to ``loss``
    /// (a frame survives only if both let it through); usually only one is set.
    public var lossBurst: GilbertElliott?
    /// Probability (0...1) that a candidate frame is reordered (see ``reorderGap``).
    /// With ``holdBack`` set, or with no delay, a reordered frame is held back
    /// behind later frames; with a delay and no hold-back it skips the delay, as netem does.
    public var reorder: Double
    /// As netem's `gap`: the first `gap - 1` frames after a reordered one are
    /// never reordered; from then on each frame is a candidate. 0 or 1: every frame is a candidate.
    public var reorderGap: Int
    /// Hold a reordered frame back until this many later frames have left.
    /// With ``reorder`` zero it is a one-shot: the next frame submitted after
    /// these settings take effect is held back.
    public var holdBack: Int?
    /// Longest time a held-back frame waits for later frames (after its own
    /// release time) before it leaves anyway.
    public var holdBackTimeout: Duration
    /// Fixed one-way delay added to every frame.
    public var delay: Duration
    /// Spread around ``delay``: half-width for `.uniform`, standard deviation for `.normal`.
    public var jitter: Duration
    /// Shape of the jitter.
    public var distribution: DelayDistribution
    /// Probability (0...1) that a frame is sent twice.
    public var duplicate: Double
    /// Probability (0...1) that one bit of a frame is flipped.
    public var corrupt: Double
    /// Line rate in bits per second; `nil` is unlimited.
    public var rateBitsPerSecond: Int?
    /// Most frames the impairment holds at once (waiting for the rate, delayed
    /// or held back), as netem's `limit`. A frame arriving when it is full is
    /// dropped (tail drop).
    public var queueLimit: Int
    /// Seed for every random choice; `nil` keeps the engine's own seed.
    public var seed: UInt64?

    /// Creates settings; every omitted value is that of a perfect wire.
    public init(
        loss: Double = 0, lossBurst: GilbertElliott? = nil,
        reorder: Double = 0, reorderGap: Int = 0, holdBack: Int? = nil,
        holdBackTimeout: Duration = .seconds(1),
        delay: Duration = .zero, jitter: Duration = .zero, distribution: DelayDistribution = .uniform,
        duplicate: Double = 0, corrupt: Double = 0,
        rateBitsPerSecond: Int? = nil, queueLimit: Int = ImpairmentSettings.defaultQueueLimit,
        seed: UInt64? = nil
    ) {
        self.loss = loss; self.lossBurst = lossBurst
        self.reorder = reorder; self.reorderGap = reorderGap; self.holdBack = holdBack
        self.holdBackTimeout = holdBackTimeout
        self.delay = delay; self.jitter = jitter; self.distribution = distribution
        self.duplicate = duplicate; self.corrupt = corrupt
        self.rateBitsPerSecond = rateBitsPerSecond; self.queueLimit = queueLimit
        self.seed = seed
    }

    /// netem's default `limit`.
    public static let defaultQueueLimit = 1000

    /// A perfect wire: nothing lost, delayed, reordered, duplicated or corrupted.
    public static let perfect = ImpairmentSettings()

    /// True when the settings change nothing about the frames (queue limit,
    /// seed, gap, distribution and timeout alone do not matter).
    public var isPerfect: Bool {
        loss == 0 && (lossBurst?.neverLoses ?? true) && reorder == 0 && holdBack == nil
            && delay == .zero && jitter == .zero && duplicate == 0 && corrupt == 0
            && rateBitsPerSecond == nil
    }

    /// Checks every value is in range; the error names the option.
    public func validate() throws(ImpairmentSettingsError) {
        func probability(_ value: Double, _ option: String) throws(ImpairmentSettingsError) {
            guard value.isFinite, value >= 0, value <= 1 else {
                throw .outOfRange(option: option, value: ImpairmentText.percent(value), allowed: "0% to 100%")
            }
        }
        try probability(loss, "loss")
        if let burst = lossBurst {
            try probability(burst.p, "gemodel p")
            try probability(burst.r, "gemodel r")
            try probability(burst.oneMinusH, "gemodel 1-h")
            try probability(burst.oneMinusK, "gemodel 1-k")
        }
        try probability(reorder, "reorder")
        try probability(duplicate, "duplicate")
        try probability(corrupt, "corrupt")
        if reorderGap < 0 { throw .outOfRange(option: "gap", value: "\(reorderGap)", allowed: "0 or more") }
        if let n = holdBack, n < 1 { throw .outOfRange(option: "hold-back", value: "\(n)", allowed: "1 or more") }
        if holdBackTimeout < .zero {
            throw .outOfRange(option: "hold-back-timeout", value: ImpairmentText.duration(holdBackTimeout), allowed: "0 or more")
        }
        if delay < .zero { throw .outOfRange(option: "delay", value: ImpairmentText.duration(delay), allowed: "0 or more") }
        if jitter < .zero { throw .outOfRange(option: "jitter", value: ImpairmentText.duration(jitter), allowed: "0 or more") }
        if let rate = rateBitsPerSecond, rate < 1 {
            throw .outOfRange(option: "rate", value: "\(rate)bit", allowed: "1bit or more")
        }
        if queueLimit < 1 { throw .outOfRange(option: "queue", value: "\(queueLimit)", allowed: "1 or more") }
    }
}

/// The shape of the jitter added to the delay.
public enum DelayDistribution: String, Hashable, Codable, Sendable, CaseIterable {
    /// Evenly spread over delay ± jitter.
    case uniform
    /// Normal (Gaussian) around the delay with standard deviation jitter.
    case normal
}

/// A Gilbert–Elliott loss model with netem's four `gemodel` parameters.
///
/// Two states, good and bad. Each frame is lost with probability `oneMinusK`
/// in the good state and `oneMinusH` in the bad state; after it, the state
/// moves good→bad with probability `p` and bad→good with probability `r`.
/// With `oneMinusH = 1` and `oneMinusK = 0` (the simple Gilbert model) every
/// frame in the bad state is lost and bursts last `1/r` frames on average.
public struct GilbertElliott: Hashable, Codable, Sendable {
    /// Probability of moving from the good state to the bad state.
    public var p: Double
    /// Probability of moving from the bad state to the good state.
    public var r: Double
    /// Loss probability in the bad state (1 − h).
    public var oneMinusH: Double
    /// Loss probability in the good state (1 − k).
    public var oneMinusK: Double

    /// Creates a model; omitted values take tc's defaults: `r = 1 − p`,
    /// `1 − h = 100%`, `1 − k = 0%`.
    public init(p: Double, r: Double? = nil, oneMinusH: Double = 1, oneMinusK: Double = 0) {
        self.p = p
        self.r = r ?? 1 - p
        self.oneMinusH = oneMinusH
        self.oneMinusK = oneMinusK
    }

    /// Long-run fraction of frames spent in the bad state: p / (p + r).
    public var badStateFraction: Double { p + r == 0 ? 0 : p / (p + r) }

    /// Long-run loss ratio from the stationary distribution.
    public var lossRatio: Double {
        let bad = badStateFraction
        return (1 - bad) * oneMinusK + bad * oneMinusH
    }

    /// Mean number of consecutive frames spent in the bad state (1/r); for
    /// the simple Gilbert model this is the mean loss burst length.
    public var meanBadStateLength: Double { r == 0 ? .infinity : 1 / r }

    /// True when the model can never lose a frame.
    var neverLoses: Bool { oneMinusK == 0 && (oneMinusH == 0 || p == 0) }
}

/// Why settings were refused; the message names the option.
public enum ImpairmentSettingsError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A value outside what the option allows.
    case outOfRange(option: String, value: String, allowed: String)
    /// Text that could not be read as a value for the option.
    case malformed(option: String, text: String, expected: String)
    /// A word that is no option.
    case unknownOption(String)
    /// An option given without its value.
    case missingValue(option: String)

    /// The options an impairment takes, as `rawnet impair` and a topology's `impair:` name them.
    static let optionNames = ["loss", "loss-burst", "reorder", "gap", "hold-back", "hold-back-timeout", "delay", "jitter",
                              "distribution", "duplicate", "corrupt", "rate", "queue", "seed"]

    public var description: String {
        switch self {
        case let .outOfRange(option, value, allowed):
            return "\(option): \(value) is out of range (allowed: \(allowed))"
        case let .malformed(option, text, expected):
            return "\(option): cannot read '\(text)' (expected \(expected))"
        case let .unknownOption(word):
            return "unknown impairment option '\(word)'\(NameSuggestion.didYouMean(word, among: Self.optionNames))"
                + " (options: \(Self.optionNames.joined(separator: ", ")))"
        case let .missingValue(option):
            return "\(option): a value is missing"
        }
    }
}
