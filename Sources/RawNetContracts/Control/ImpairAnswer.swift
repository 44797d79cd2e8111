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

    public init(interface: String, direction: String = "out", settings: String, isPerfect: Bool,
                counters: ImpairmentCounters? = nil, pendingFrames: Int? = nil, seed: String? = nil,
                isBypassed: Bool? = nil) {
        self.interface = interface
        self.direction = direction
        self.settings = settings
        self.isPerfect = isPerfect
        self.counters = counters
        self.pendingFrames = pendingFrames
        self.seed = seed
        self.isBypassed = isBypassed
    }
}
