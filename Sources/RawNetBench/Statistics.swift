/// Order statistics of benchmark figures.
public enum Statistics {
    /// The median: the middle value, or the mean of the two middle values.
    /// Nil for an empty list.
    public static func median(_ values: [Double]) -> Double? {
        percentile(50, of: values)
    }

    /// The `p`-th percentile (0...100) by linear interpolation between the
    /// closest ranks (rank `p/100 × (n−1)` of the sorted values, as in
    /// NumPy's default). Nil for an empty list.
    public static func percentile(_ p: Double, of values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let clamped = min(max(p, 0), 100)
        let rank = clamped / 100 * Double(sorted.count - 1)
        let lower = Int(rank.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        let fraction = rank - Double(lower)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction
    }
}

/// Minimum, median and maximum of one side's per-run figures, and for
/// latency-like sides the 50th and 99th percentiles of all samples pooled.
public struct Summary: Sendable, Equatable, Codable {
    /// One figure per run, in run order.
    public var runs: [Double]
    public var minimum: Double
    public var median: Double
    public var maximum: Double
    /// Percentiles over every sample of every run (nil when each run gives one figure).
    public var p50: Double?
    public var p99: Double?
    /// How many samples the percentiles pool.
    public var sampleCount: Int

    /// Summarises per-run figures. `samples` are the pooled raw samples of a
    /// latency side (each run's figure is then that run's median).
    public init?(runs: [Double], samples: [Double]? = nil) {
        guard let median = Statistics.median(runs), let minimum = runs.min(), let maximum = runs.max() else {
            return nil
        }
        self.runs = runs
        self.minimum = minimum
        self.median = median
        self.maximum = maximum
        if let samples, !samples.isEmpty {
            p50 = Statistics.percentile(50, of: samples)
            p99 = Statistics.percentile(99, of: samples)
            sampleCount = samples.count
        } else {
            p50 = nil
            p99 = nil
            sampleCount = runs.count
        }
    }

    /// The figure goals and ratios use: the pooled p50 when there is one, else the median run.
    public var headline: Double { p50 ?? median }
}
