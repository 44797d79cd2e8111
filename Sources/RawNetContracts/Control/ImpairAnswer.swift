import RawNetCore

/// What `impair` answers: the interface's egress settings now and what the
/// impairment has done so far.
public struct ImpairAnswer: Codable, Sendable, Equatable {
    public var interface: String
    /// Always "out": every impairment sits on the egress of one interface.
    public var direction: String
    /// The settings as text (`ImpairmentSettings.description`), "perfect wire" when none.
    public var settings: String
    public var isPerfect: Bool
    /// The engine's running totals since the daemon started.
    public var counters: ImpairmentCounters?
    /// Frames the impairment holds now (delayed, waiting for the line, held back).
    public var pendingFrames: Int?
    /// The seed the random streams last started from, as decimal text.
    public var seed: String?
    /// True when the daemon runs with the impairment engine bypassed.
    public var isBypassed: Bool?
    /// One-shot rules (`drop-next`, `corrupt-next`), pending or used up.
    public var rules: [ImpairRuleAnswer]?

    public init(interface: String, direction: String = "out", settings: String, isPerfect: Bool,
                counters: ImpairmentCounters? = nil, pendingFrames: Int? = nil, seed: String? = nil,
                isBypassed: Bool? = nil, rules: [ImpairRuleAnswer]? = nil) {
        self.interface = interface
        self.direction = direction
        self.settings = settings
        self.isPerfect = isPerfect
        self.counters = counters
        self.pendingFrames = pendingFrames
        self.seed = seed
        self.isBypassed = isBypassed
        self.rules = rules
    }
}

/// One one-shot rule as `impair` shows it.
public struct ImpairRuleAnswer: Codable, Sendable, Equatable {
    /// `drop-next` or `corrupt-next`.
    public var action: String
    /// The filter text as given, e.g. `tcp and seq 27`.
    public var filter: String
    /// Frames it will still act on.
    public var remaining: Int
    /// Frames it has acted on.
    public var applied: Int

    public init(action: String, filter: String, remaining: Int, applied: Int) {
        self.action = action
        self.filter = filter
        self.remaining = remaining
        self.applied = applied
    }

    /// `drop-next 'tcp and seq 27': dropped 1, 0 to go`.
    public var description: String {
        let verb = action == ImpairmentRule.Action.drop.rawValue ? "dropped" : "corrupted"
        return "\(action) '\(filter)': \(verb) \(applied), \(remaining) to go"
    }
}
