/// A point on a monotonic clock, in nanoseconds since an arbitrary origin.
/// The core never reads a clock: callers pass `now` in. Daemons use the
/// platform's monotonic clock; simulations use a virtual one starting at zero.
public struct Instant: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var nanoseconds: Int64

    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    public static let zero = Instant(nanoseconds: 0)
    /// Later than any real deadline; useful as "no deadline".
    public static let distantFuture = Instant(nanoseconds: .max)

    public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    public static func + (lhs: Instant, rhs: Duration) -> Instant {
        Instant(nanoseconds: lhs.nanoseconds &+ rhs.nanoseconds)
    }

    public static func - (lhs: Instant, rhs: Duration) -> Instant {
        Instant(nanoseconds: lhs.nanoseconds &- rhs.nanoseconds)
    }

    public static func - (lhs: Instant, rhs: Instant) -> Duration {
        .nanoseconds(lhs.nanoseconds &- rhs.nanoseconds)
    }

    public static func += (lhs: inout Instant, rhs: Duration) { lhs = lhs + rhs }

    public var description: String {
        let ms = Double(nanoseconds) / 1_000_000
        return "t=\(ms)ms"
    }
}

extension Duration {
    /// Whole nanoseconds (saturating for very large spans).
    public var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (ns, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return ns &+ attoseconds / 1_000_000_000
    }

    /// The span in seconds as a Double.
    public var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}
